"""The pure domain: the client file and history as values (`model`), the rule and script
vocabularies (`ruleset`, `scripts`), the calendar (lunar dates, festivals, open days), the
events a rule hangs on (`anchors`), each occurrence's state on a day (`rules`), who is due on
a day and the days ahead (`schedule`), each caller's day (`worklist`), who a client is today
(`standing`), cards, the catalogue, client value, reports and plans.

No I/O and no clock: every function takes `today`. May import only the standard library,
the calendar libraries, `salonctl.errors` and `salonctl.i18n`: never a file, index, command
line, mail or clock module.
"""
