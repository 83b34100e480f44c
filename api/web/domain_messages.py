"""The domain's messages (English, as the API answers them) in the UI's language: its field
messages here, its refusals of whole commands in ``api.web.refusals``."""

from __future__ import annotations

import re

from api.web.i18n import gettext, n_
from api.web.refusals import REFUSALS, WORDS

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
        n_("must be a number"),
        n_("must be a Belgian postal code of 4 digits"),
        n_("must be a two-letter ISO country code such as BE"),
        n_("must be a whole number of millimetres between 1 and 125"),
        n_("must start with an EU country code such as BE or NL"),
        n_("a Belgian VAT number is BE followed by 10 digits"),
        n_("is required for a performance-specified concrete (EN 206)"),
        n_("repeats a Belgian suffix (HSR, LA, HES)"),
        n_("is already the branch's name"),
        n_("is already the branch's address"),
        n_("is already the branch's location"),
        n_("are already the branch's products"),
        n_("nothing changed"),
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
    (
        re.compile(r"^must be between (?P<low>-?[\d.]+) and (?P<high>-?[\d.]+)$"),
        n_("must be between %(low)s and %(high)s"),
    ),
    (re.compile(r"^must be one of (?P<allowed>.+)$"), n_("must be one of %(allowed)s")),
    (re.compile(r"^'(?P<value>.*)' is already taken$"), n_("'%(value)s' is already taken")),
    (
        re.compile(r"^'(?P<value>.*)' is no longer sold$"),
        n_("'%(value)s' is no longer sold"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not in the product catalogue$"),
        n_("'%(value)s' is not in the product catalogue"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' fails the Belgian mod-97 check$"),
        n_("'%(value)s' fails the Belgian mod-97 check"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not a valid (?P<country>[A-Z]{2}) VAT number$"),
        n_("'%(value)s' is not a valid %(country)s VAT number"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not a known class \(expected one of (?P<allowed>.+)\)$"),
        n_("'%(value)s' is not a known class (expected one of %(allowed)s)"),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not an EN 197-1 cement type \(e\.g\. .+\)$"),
        n_("'%(value)s' is not an EN 197-1 cement type (e.g. CEM I 52,5 R or CEM III/A 42,5 N LA)"),
    ),
    (
        re.compile(r"^(?P<email>\S+) is already a user of (?P<company>.+)$"),
        n_("%(email)s is already a user of %(company)s"),
    ),
    (
        re.compile(r"^(?P<email>\S+) already has an account$"),
        n_("%(email)s already has an account"),
    ),
    (
        re.compile(r"^(?P<email>\S+) is already (?P<role>admin|planner|viewer)$"),
        n_("%(email)s is already %(role)s"),
    ),
)


def translated(message: str) -> str:
    """``message`` in the UI's language when it is one the domain says; else as it is."""
    if message in FIXED:
        return gettext(message)
    for pattern, msgid in PATTERNS + REFUSALS:
        found = pattern.match(message)
        if found is not None:
            return gettext(msgid, **_words(found.groupdict()))
    return message


def _words(values: dict[str, str]) -> dict[str, str]:
    """The values of a sentence, the domain's own words among them translated."""
    return {
        name: gettext(WORDS[name][value]) if value in WORDS.get(name, {}) else value
        for name, value in values.items()
    }
