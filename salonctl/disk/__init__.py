"""The disk, under the salon's files: durable writes (atomic replace, fsynced appends, undo of
an interrupted command), the salon's lock, YAML in and out with positions, the fast reader
of salonctl's own lines, reading past a record that does not parse, the parsed-file cache,
and this copy's desk tag with git told of salonctl's merge driver (`desks`).

May import the engine, `salonctl.errors` and `salonctl.i18n`.
"""
