"""The pure domain: the client file and history as values (`model`), the rule and script
vocabularies (`ruleset`, `scripts`), the calendar (lunar dates, festivals, open days), the
events a rule hangs on (`anchors`), who is due for which call (`rules`), each caller's day
(`worklist`), cards, the catalogue, client value, reports and plans.

No I/O and no clock: every function takes `today`. May import only the standard library,
the calendar libraries, `salonctl.errors` and `salonctl.i18n`: never a file, index, command
line, mail or clock module.
"""
