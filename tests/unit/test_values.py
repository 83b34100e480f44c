"""Value validation: quantities, moments, phones, e-mail, places, languages and roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from betotrace_es.domain.exceptions import PermissionDeniedError, ValidationError
from betotrace_es.domain.values import (
    Actor,
    Address,
    Location,
    Party,
    Permission,
    Role,
    email_address,
    future_moment,
    language,
    normalised_key,
    phone_number,
    quantity_m3,
    require_text,
)

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
FEW = settings(max_examples=60, database=None, deadline=None)


def fields_of(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(error.value.errors)


# -- quantity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_value", "canonical"),
    [
        ("12.500", "12.5"),
        ("100", "100"),
        ("100.000", "100"),
        (" 0.001 ", "0.001"),
        (Decimal("7.25"), "7.25"),
        (8, "8"),
        ("1E+2", "100"),
        ("999999.999", "999999.999"),
    ],
)
def test_quantity_is_returned_in_its_shortest_plain_form(given_value: Any, canonical: str) -> None:
    assert str(quantity_m3(given_value)) == canonical


@pytest.mark.parametrize(
    "garbage",
    [
        "0",
        "-0",
        "-1",
        "0.0001",
        "12.3456",
        "NaN",
        "sNaN",
        "Infinity",
        "-inf",
        "",
        "  ",
        "12,5",
        "12.5.1",
        "abc",
        "0x10",
        "1000000",
        True,
        False,
        12.5,
        None,
        [12],
    ],
)
def test_quantity_garbage_is_refused_naming_the_field(garbage: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        quantity_m3(garbage)

    assert fields_of(refused) == ["quantity_m3"]


def test_quantity_error_is_named_after_the_field_asked_for() -> None:
    with pytest.raises(ValidationError) as refused:
        quantity_m3("0", "volume_m3")

    assert fields_of(refused) == ["volume_m3"]


def test_quantity_with_an_underscore_is_refused_not_read_as_a_bigger_number() -> None:
    with pytest.raises(ValidationError):
        quantity_m3("12_5")


@FEW
@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999.999"), places=3))
def test_any_valid_quantity_round_trips_in_canonical_form(amount: Decimal) -> None:
    parsed = quantity_m3(format(amount, "f"))

    assert parsed == amount
    assert quantity_m3(str(parsed)) == parsed
    text = str(parsed)
    assert "E" not in text
    assert "." not in text or not text.endswith("0")


# -- delivery moment -------------------------------------------------------------------------


def test_future_timezone_aware_moment_is_accepted() -> None:
    brussels_summer = datetime(2026, 6, 2, 7, 0, tzinfo=UTC) + timedelta(hours=2)

    assert future_moment(brussels_summer, NOW) == brussels_summer


@pytest.mark.parametrize(
    "moment",
    [NOW, NOW - timedelta(seconds=1), datetime(2099, 1, 1, 7, 0), date(2099, 1, 1), "2099-01-01"],
    ids=["now", "past", "naive", "date", "text"],
)
def test_moment_not_strictly_future_or_naive_is_refused_naming_delivery_at(moment: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        future_moment(moment, NOW)

    assert fields_of(refused) == ["delivery_at"]


# -- phone numbers, e-mail, language ---------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "e164"),
    [
        ("0470 12 34 56", "+32470123456"),
        ("0470/12.34.56", "+32470123456"),
        ("0032 470 12 34 56", "+32470123456"),
        ("09 222 33 44", "+3292223344"),
        ("+31 20 123 4567", "+31201234567"),
        ("+33 1 42 68 53 00", "+33142685300"),
    ],
)
def test_phone_number_is_stored_in_e164_national_ones_as_belgian(number: str, e164: str) -> None:
    assert phone_number(number, "mobile") == e164


@pytest.mark.parametrize("number", ["", "   ", "abc", "12345", "0470 12", "+32 470 12 34 56 78 9"])
def test_invalid_phone_number_is_refused_naming_the_field(number: str) -> None:
    with pytest.raises(ValidationError) as refused:
        phone_number(number, "site.contact_phone")

    assert fields_of(refused) == ["site.contact_phone"]


def test_email_is_trimmed_and_its_domain_lower_cased() -> None:
    assert email_address("  Jan.Peeters@Bouw.Example.BE ") == "Jan.Peeters@bouw.example.be"


@pytest.mark.parametrize(
    "text", ["", "jan", "jan@", "@bouw.be", "jan@bouw", "jan peeters@bouw.be", "a@b@c.be"]
)
def test_invalid_email_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        email_address(text, "admin_email")

    assert fields_of(refused) == ["admin_email"]


@pytest.mark.parametrize("code", ["nl", "fr", "en"])
def test_platform_languages_are_accepted(code: str) -> None:
    assert language(code) == code


@pytest.mark.parametrize("code", ["de", "", "nl-BE"])
def test_other_languages_are_refused_naming_the_field(code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        language(code)

    assert fields_of(refused) == ["language"]


# -- places ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90.0, -180.0), (51.05, 3.72), (0, 0)])
def test_location_in_range_is_accepted(lat: float, lon: float) -> None:
    assert Location.parse(lat, lon) == Location(float(lat), float(lon))


@FEW
@given(st.floats().filter(lambda x: not -90 <= x <= 90))
def test_any_latitude_out_of_range_or_not_finite_is_refused(lat: float) -> None:
    with pytest.raises(ValidationError) as refused:
        Location.parse(lat, 3.72, "site.location")

    assert fields_of(refused) == ["site.location.lat"]


@FEW
@given(st.floats().filter(lambda x: not -180 <= x <= 180))
def test_any_longitude_out_of_range_or_not_finite_is_refused(lon: float) -> None:
    with pytest.raises(ValidationError) as refused:
        Location.parse(51.0, lon)

    assert fields_of(refused) == ["location.lon"]


def test_non_numeric_coordinates_are_both_reported() -> None:
    with pytest.raises(ValidationError) as refused:
        Location.parse(True, "3.7")  # type: ignore[arg-type]

    assert set(refused.value.errors) == {"location.lat", "location.lon"}


def test_address_is_trimmed_and_country_upper_cased() -> None:
    address = Address.parse(" Veldstraat ", "", "9000", " Gent ", "be")

    assert address == Address("Veldstraat", "", "9000", "Gent", "BE")


@pytest.mark.parametrize("postal_code", ["900", "90000", "0900", "9000A", "B-9000"])
def test_belgian_postal_code_has_four_digits(postal_code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Address.parse("Veldstraat", "1", postal_code, "Gent", field="site.address")

    assert fields_of(refused) == ["site.address.postal_code"]


@pytest.mark.parametrize("country", ["XX", "ZZ", "EU", "B1", "12"])
def test_a_country_code_is_an_existing_one(country: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Address.parse("Dam", "1", "1012 JS", "Amsterdam", country)

    assert fields_of(refused) == ["address.country"]


@pytest.mark.parametrize("country", ["nl", "FR", "de", "LU", "GB", "CH"])
def test_the_neighbours_country_codes_are_accepted(country: str) -> None:
    assert Address.parse("Dam", "1", "1012", "Amsterdam", country).country == country.upper()


def test_foreign_postal_code_follows_its_own_format() -> None:
    assert Address.parse("Dam", "1", "1012 JS", "Amsterdam", "NL").postal_code == "1012 JS"


def test_address_reports_every_invalid_part_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        Address.parse("", "12", "", "  ", "BEL")

    assert set(refused.value.errors) == {
        "address.street",
        "address.postal_code",
        "address.city",
        "address.country",
    }


def test_normalised_key_ignores_case_accents_and_spacing() -> None:
    assert normalised_key("Béton  GENT") == normalised_key(" beton gent ") == "beton gent"
    assert normalised_key("Straße") == normalised_key("STRASSE")
    assert normalised_key("Béton Gent") != normalised_key("Beton Brugge")


def test_text_is_collapsed_on_one_line_and_kept_on_several() -> None:
    assert require_text("  floor   slab ", "element") == "floor slab"
    assert require_text(" line 1\n  line 2 ", "remarks") == "line 1\n  line 2"
    with pytest.raises(ValidationError) as too_long:
        require_text("x" * 11, "remarks", max_length=10)
    assert fields_of(too_long) == ["remarks"]


# -- roles and parties -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, set(Permission)),
        (
            Role.PLANNER,
            {
                Permission.READ,
                Permission.ORDER_COMMANDS,
                Permission.MANAGE_DRIVERS,
                Permission.EDIT_OWN_PROFILE,
            },
        ),
        (Role.VIEWER, {Permission.READ, Permission.EDIT_OWN_PROFILE}),
    ],
)
def test_role_grants_exactly_the_spec_permissions(role: Role, allowed: set[Permission]) -> None:
    actor = Actor(uuid4(), uuid4(), role)

    for permission in Permission:
        if permission in allowed:
            actor.require(permission, "do it")
        else:
            with pytest.raises(PermissionDeniedError, match=f"a {role.value} may not do it"):
                actor.require(permission, "do it")


def test_platform_may_do_everything_for_every_company() -> None:
    system = Actor.system()

    assert system.is_system
    for permission in Permission:
        system.require(permission, "do it")
    system.require_company(uuid4(), "do it")


def test_each_party_knows_the_other() -> None:
    assert Party.CUSTOMER.other is Party.SUPPLIER
    assert Party.SUPPLIER.other is Party.CUSTOMER


def test_language_codes_are_read_case_insensitively() -> None:
    assert language(" NL ") == "nl"
