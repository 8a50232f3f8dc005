"""The salon folder on disk: the folder a command works on (`store.Salon`), its client files
and journals, their records read and checked with file:line (`codec`, `schema`, `audit`),
settings, rules, scripts and the cycle (`rulefile`, `rulebook`), the catalogue, the outbox,
the day's notes, two desks and git's merge of their files.

May import the disk and the engine.
"""
