"""The derived index in `.cache/`: every record indexed by client in SQLite (`derived`), each
file's parsed records (`cache`), and how a client's evaluated day is kept (`daymemo`). The
YAML files stay the truth; deleting `.cache/` loses nothing.

May import the files, the disk and the engine.
"""
