"""What the engine says about a call's state, and the same in the salon's language.

The engine writes these details in English (they are data: `why --format json` and `due
--missed --format json` carry them as they are); tables show them translated. Each is a
pattern here, so the engine and the translation cannot drift apart.
"""

from __future__ import annotations

from salonctl import i18n
from salonctl.i18n import N_

WINDOW_CLOSED = N_("its window closed")
NO_ANSWER = N_("no answer {tries} times")
CLOSED = N_("closed")
REACHED_ON = N_("she was reached on {day}")
HELD_FOR_COMPLAINT = N_("held while her complaint {complaint} is open")
MISSED_FOR_COMPLAINT = N_("its window closed while her complaint {complaint} was open")
SENT_ON = N_("sent with the sheet of {day}")
DECLINED_ON = N_("she declined on {day}")
WRONG_NUMBER = N_("her number was logged as wrong on {day}; change her phone to call again")
VISITED_ON = N_("she visited on {day}")
BOOKED_FOR = N_("she booked for {day}")
RULE_DISABLED = N_("the rule is disabled")
DO_NOT_CONTACT = N_("she is marked do-not-contact")
FOR_CATEGORIES = N_("it is for {categories} clients; she is {category}")
FOR_KEY = N_("it is for key clients")
NOT_FOR_KEY = N_("it is not for key clients")
FOR_GENDER = N_("it is for {gender} clients")
HELD_BY_LIMIT = N_("its window closed while the day's limit held it (salonctl due --all lists those)")
OUTCOMES = (N_("reached"), N_("no-answer"), N_("not-convenient"), N_("refused"),
            N_("wrong-number"))

PATTERNS = (WINDOW_CLOSED, NO_ANSWER, CLOSED, REACHED_ON, HELD_FOR_COMPLAINT,
            MISSED_FOR_COMPLAINT, SENT_ON, DECLINED_ON, WRONG_NUMBER, VISITED_ON, BOOKED_FOR,
            RULE_DISABLED, DO_NOT_CONTACT, FOR_CATEGORIES, FOR_KEY, NOT_FOR_KEY, FOR_GENDER,
            HELD_BY_LIMIT, *OUTCOMES)


_WORD_BLANKS = {"categories", "category", "gender"}  # blanks holding salonctl's own words


def spoken(detail: str, language: str) -> str:
    """`detail` in `language`; a detail of no known pattern is shown as it is."""
    if language == "en" or not detail:
        return detail
    found = i18n.instance_of(detail, PATTERNS)
    if found is None:
        return detail
    pattern, blanks = found
    speaker = i18n.translator(language)
    for name in _WORD_BLANKS.intersection(blanks):  # member/guest, female: salonctl's words
        blanks[name] = "/".join(speaker.gettext(part) for part in blanks[name].split("/"))
    return speaker.gettext(pattern).format(**blanks)

