"""VAT numbers: Belgian ones by their mod-97 check, other EU ones by pattern."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from betotrace_es.domain.exceptions import ValidationError
from betotrace_es.domain.vat import vat_number

FEW = settings(max_examples=60, database=None, deadline=None)


def belgian(base: int) -> str:
    """The Belgian VAT number of an 8-digit base (first digit 0 or 1), check digits computed."""
    return f"BE{base:08d}{97 - base % 97:02d}"


def refused_field(text: str, field: str = "vat_number") -> list[str]:
    with pytest.raises(ValidationError) as refused:
        vat_number(text, field)
    return list(refused.value.errors)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("BE0123456749", "BE0123456749"),
        ("be 0123.456.749", "BE0123456749"),
        ("BE-0123-456-749", "BE0123456749"),
        ("BE123456749", "BE0123456749"),
        ("BE0970000097", "BE0970000097"),
        ("BE1000000021", "BE1000000021"),
    ],
    ids=["compact", "dotted", "dashed", "old 9 digits", "check 97", "starts with 1"],
)
def test_valid_belgian_number_is_returned_compact(text: str, canonical: str) -> None:
    assert vat_number(text) == canonical


@FEW
@given(st.integers(min_value=0, max_value=19_999_999))
def test_any_belgian_number_with_its_mod97_check_is_accepted(base: int) -> None:
    number = belgian(base)

    assert vat_number(number) == number


@FEW
@given(st.integers(min_value=0, max_value=19_999_999), st.integers(min_value=1, max_value=96))
def test_any_belgian_number_with_a_wrong_check_is_refused(base: int, shift: int) -> None:
    wrong = (97 - base % 97 + shift) % 100

    assert refused_field(f"BE{base:08d}{wrong:02d}", "company.vat") == ["company.vat"]


@pytest.mark.parametrize(
    "text", ["BE0123456748", "BE2123456789", "BE01234567", "BE01234567490", "BEABCDEFGHIJ", "BE"]
)
def test_malformed_belgian_number_is_refused_naming_the_field(text: str) -> None:
    assert refused_field(text) == ["vat_number"]


@pytest.mark.parametrize(
    "text",
    ["NL123456789B01", "nl 1234.56789.b01", "DE123456789", "FR40303265045", "LU12345678"],
)
def test_other_eu_number_is_accepted_by_its_pattern(text: str) -> None:
    assert vat_number(text) == text.replace(" ", "").replace(".", "").upper()


@pytest.mark.parametrize(
    "text", ["NL123456789", "NL12345678B01", "DE12345678", "FR4030326504", "AT12345678"]
)
def test_other_eu_number_not_matching_its_pattern_is_refused(text: str) -> None:
    assert refused_field(text) == ["vat_number"]


@pytest.mark.parametrize("text", ["US123456789", "GB123456789", "XX0123456749", "0123456749"])
def test_number_without_an_eu_country_code_is_refused(text: str) -> None:
    assert refused_field(text) == ["vat_number"]


@pytest.mark.parametrize("text", ["", "   "])
def test_missing_number_is_refused_as_required(text: str) -> None:
    with pytest.raises(ValidationError, match="is required") as refused:
        vat_number(text)

    assert list(refused.value.errors) == ["vat_number"]
