"""The domain's field messages (English, as the API answers them) in the UI's language."""

from __future__ import annotations

import re

from api.web.i18n import gettext, n_

FIXED = frozenset(
    {
        n_("is required"),
        n_("must be in the future"),
        n_("must be greater than 0"),
        n_("must be a decimal number such as 12.5"),
        n_("must differ from the current delivery moment"),
        n_("is not one of your drivers"),
        n_("must include a timezone offset"),
        n_("must be a date and time"),
        n_("must be a finite number"),
        n_("must be less than 1000000"),
        n_("must be true or false"),
        n_("must be text"),
    }
)
PATTERNS = (
    (
        re.compile(r"^'(?P<value>.*)' is not a valid phone number$"),
        n_("'%(value)s' is not a valid phone number"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not a phone number$"),
        n_("'%(value)s' is not a phone number"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not an e-mail address$"),
        n_("'%(value)s' is not an e-mail address"),
    ),
    (
        re.compile(r"^must be at most (?P<count>\d+) characters$"),
        n_("must be at most %(count)s characters"),
    ),
    (
        re.compile(r"^must be at least (?P<count>\d+) characters$"),
        n_("must be at least %(count)s characters"),
    ),
    (
        re.compile(r"^must have at most (?P<count>\d+) decimals$"),
        n_("must have at most %(count)s decimals"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not deliverable by branch (?P<branch>.*)$"),
        n_("'%(value)s' is not deliverable by branch %(branch)s"),
    ),
)


def translated(message: str) -> str:
    """``message`` in the UI's language when it is one the domain says; else as it is."""
    if message in FIXED:
        return gettext(message)
    for pattern, msgid in PATTERNS:
        found = pattern.match(message)
        if found is not None:
            return gettext(msgid, **found.groupdict())
    return message
