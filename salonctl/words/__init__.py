"""What is said: a row's reasons composed into one conversation (`compose`), days and lists as
people say them (`spoken`), the sheet's words (`phrases`), the sheet as records and rendered
(`sheet`), and listings as tables, CSV and JSON (`render`).

May import the files (the value readers), the disk and the engine.
"""
