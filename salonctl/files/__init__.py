"""The salon folder on disk: the folder a command works on (`store.Salon`), its client files
and journals, their records read and checked with file:line (`codec`, `schema`, `parsing`, `audit`),
settings, rules, scripts and the cycle (`rulefile`, `rulebook`), the catalogue, the outbox,
the day's notes, git's merge of two desks' files (`gitmerge`), and a client entered twice
read as one (`merging`).

May import the disk and the engine.
"""
