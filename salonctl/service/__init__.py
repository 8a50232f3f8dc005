"""The use cases the commands share: the day's work and sheet (through the index when it can
serve, else from the files), finding a client, the plans and the reports. Commands call
these; no command module imports another.

May import everything below it: mail, transfer, index, words, files, disk, engine.
"""
