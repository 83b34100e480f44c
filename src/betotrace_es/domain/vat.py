"""VAT numbers: Belgian ones by their mod-97 check, other EU ones by pattern."""

from __future__ import annotations

import re

from betotrace_es.domain.exceptions import ValidationError

# Country code → pattern of the part after it (European Commission VIES formats).
_EU_PATTERNS = {
    "AT": r"U\d{8}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"\d{2,10}",
    "SE": r"\d{12}",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}


def vat_number(value: str, field: str = "vat_number") -> str:
    """A VAT number in canonical form (``BE0123456749``): spaces, dots and dashes dropped."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.single(field, "is required")
    compact = re.sub(r"[\s.\-]", "", value).upper()
    country, rest = compact[:2], compact[2:]
    if country == "BE":
        if re.fullmatch(r"\d{9}", rest):  # old 9-digit numbers gained a leading 0
            rest = "0" + rest
        if not re.fullmatch(r"[01]\d{9}", rest):
            raise ValidationError.single(field, "a Belgian VAT number is BE followed by 10 digits")
        if 97 - int(rest[:8]) % 97 != int(rest[8:]):
            raise ValidationError.single(field, f"'{value}' fails the Belgian mod-97 check")
        return country + rest
    pattern = _EU_PATTERNS.get(country)
    if pattern is None:
        raise ValidationError.single(field, "must start with an EU country code such as BE or NL")
    if not re.fullmatch(pattern, rest):
        raise ValidationError.single(field, f"'{value}' is not a valid {country} VAT number")
    return compact
