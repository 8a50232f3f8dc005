"""The derived index in `.cache/`: every record indexed by client in SQLite, with each
client's evaluated day and forecasts (`derived`), kept up to date with the files or rebuilt
from them (`sync`), and how a client's evaluated day is kept there (`daymemo`). The YAML
files stay the truth; deleting `.cache/` loses nothing.

May import the files, the disk and the engine.
"""
