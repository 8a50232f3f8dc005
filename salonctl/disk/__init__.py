"""The disk, under the salon's files: durable writes (atomic replace, fsynced appends, undo of
an interrupted command), the salon's lock, YAML in and out with positions, the fast reader
of salonctl's own lines, and reading past a record that does not parse.

May import the engine, `salonctl.errors` and `salonctl.i18n`.
"""
