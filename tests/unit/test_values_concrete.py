"""EN 206 / NBN B 15-001 vocabularies, EN 197-1 cement types and product specifications."""

from __future__ import annotations

from typing import Any

import pytest

from betotrace_es.domain.concrete import (
    CHLORIDE_CLASSES,
    CONSISTENCY_CLASSES,
    DOMAINS_OF_USE,
    EXPOSURE_CLASSES,
    STRENGTH_CLASSES,
    ProductSpec,
    parse_cement_type,
)
from betotrace_es.domain.exceptions import ValidationError

# The vocabularies as the domain spec lists them (written out, not imported, so a drift shows).
STRENGTH = [
    *(f"C{a}/{b}" for a, b in [(8, 10), (12, 15), (16, 20), (20, 25), (25, 30), (30, 37)]),
    *(f"C{a}/{b}" for a, b in [(35, 45), (40, 50), (45, 55), (50, 60), (55, 67), (60, 75)]),
    *(f"C{a}/{b}" for a, b in [(70, 85), (80, 95), (90, 105), (100, 115)]),
    *(f"LC{a}/{b}" for a, b in [(8, 9), (12, 13), (16, 18), (20, 22), (25, 28), (30, 33)]),
    *(f"LC{a}/{b}" for a, b in [(35, 38), (40, 44), (45, 50), (50, 55), (55, 60), (60, 66)]),
    *(f"LC{a}/{b}" for a, b in [(70, 77), (80, 88)]),
]
EXPOSURE = [
    "X0",
    *(f"XC{i}" for i in range(1, 5)),
    *(f"XD{i}" for i in range(1, 4)),
    *(f"XS{i}" for i in range(1, 4)),
    *(f"XF{i}" for i in range(1, 5)),
    *(f"XA{i}" for i in range(1, 4)),
    "EI",
    *(f"EE{i}" for i in range(1, 5)),
    *(f"ES{i}" for i in range(1, 5)),
    *(f"EA{i}" for i in range(1, 4)),
]
CONSISTENCY = [
    *(f"S{i}" for i in range(1, 6)),
    *(f"F{i}" for i in range(1, 7)),
    *(f"V{i}" for i in range(5)),
    *(f"C{i}" for i in range(5)),
    *(f"SF{i}" for i in range(1, 4)),
]
CHLORIDE = ["Cl 1,0", "Cl 0,40", "Cl 0,20", "Cl 0,10"]
DOMAINS = ["unreinforced", "reinforced", "prestressed"]


def spec(**overrides: Any) -> ProductSpec:
    values: dict[str, Any] = {
        "strength_class": "C25/30",
        "exposure_classes": ["XC2"],
        "consistency_class": "S3",
        "dmax_mm": 20,
    }
    return ProductSpec.parse(**{**values, **overrides})


def refused_fields(**overrides: Any) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        spec(**overrides)
    return set(refused.value.errors)


def test_vocabularies_hold_exactly_the_classes_of_the_spec() -> None:
    assert sorted(STRENGTH_CLASSES) == sorted(STRENGTH)
    assert sorted(EXPOSURE_CLASSES) == sorted(EXPOSURE)
    assert sorted(CONSISTENCY_CLASSES) == sorted(CONSISTENCY)
    assert (list(CHLORIDE_CLASSES), list(DOMAINS_OF_USE)) == (CHLORIDE, DOMAINS)


@pytest.mark.parametrize("canonical", STRENGTH)
def test_every_strength_class_is_accepted_in_any_case(canonical: str) -> None:
    assert spec(strength_class=canonical.lower()).strength_class == canonical


@pytest.mark.parametrize("canonical", EXPOSURE)
def test_every_exposure_and_belgian_environment_class_is_accepted(canonical: str) -> None:
    assert spec(exposure_classes=[canonical.lower()]).exposure_classes == (canonical,)


@pytest.mark.parametrize("canonical", CONSISTENCY)
def test_every_consistency_class_is_accepted_in_any_case(canonical: str) -> None:
    assert spec(consistency_class=canonical.lower()).consistency_class == canonical


@pytest.mark.parametrize("canonical", CHLORIDE)
def test_every_chloride_class_is_accepted_in_any_case_and_spacing(canonical: str) -> None:
    assert spec(chloride_class=f"  {canonical.upper()} ").chloride_class == canonical


@pytest.mark.parametrize("canonical", DOMAINS)
def test_every_domain_of_use_is_accepted_in_any_case(canonical: str) -> None:
    assert spec(domain_of_use=canonical.title()).domain_of_use == canonical


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("strength_class", "C25/31"),
        ("strength_class", "C110/130"),
        ("strength_class", "LC25/30"),
        ("strength_class", "C 25/30"),
        ("consistency_class", "S6"),
        ("consistency_class", "F7"),
        ("consistency_class", "V5"),
        ("consistency_class", "SF4"),
        ("chloride_class", "Cl 0,50"),
        ("domain_of_use", "reinforced concrete"),
    ],
)
def test_unknown_class_is_refused_naming_the_field(field: str, value: str) -> None:
    assert refused_fields(**{field: value}) == {field}


@pytest.mark.parametrize("value", ["XC5", "XD4", "XF5", "XA4", "EE5", "ES0", "EA4", "E1", "X1"])
def test_unknown_exposure_class_is_refused_naming_its_position(value: str) -> None:
    assert refused_fields(exposure_classes=["XC2", value]) == {"exposure_classes[1]"}


def test_every_unknown_class_is_reported_at_once() -> None:
    assert refused_fields(
        strength_class="C1/2", consistency_class="Z9", dmax_mm=0, cement_type="CEM X"
    ) == {"strength_class", "consistency_class", "dmax_mm", "cement_type"}


def test_duplicate_exposure_classes_are_kept_once_in_order() -> None:
    assert spec(exposure_classes=["ee2", "XC2", "EE2"]).exposure_classes == ("EE2", "XC2")


@pytest.mark.parametrize("dmax", [0, 126, -8, True, "20", 22.0])
def test_dmax_is_a_whole_number_of_millimetres_from_1_to_125(dmax: Any) -> None:
    assert refused_fields(dmax_mm=dmax) == {"dmax_mm"}


@pytest.mark.parametrize(
    ("given_fields", "missing"),
    [
        ({"strength_class": "C25/30"}, {"exposure_classes", "consistency_class", "dmax_mm"}),
        (
            {"chloride_class": "Cl 0,40"},
            {"strength_class", "exposure_classes", "consistency_class", "dmax_mm"},
        ),
        (
            {"exposure_classes": ["XC2"], "consistency_class": "S3", "dmax_mm": 20},
            {"strength_class"},
        ),
    ],
)
def test_performance_specified_concrete_names_strength_exposure_consistency_and_dmax(
    given_fields: dict[str, Any], missing: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        ProductSpec.parse(**given_fields)

    assert set(refused.value.errors) == missing


def test_no_specification_at_all_is_an_empty_spec() -> None:
    assert ProductSpec.parse().is_empty
    assert ProductSpec.parse(strength_class="", cement_type="").is_empty
    assert not spec().is_empty


# -- cement types (EN 197-1 with Belgian suffixes) -------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("CEM III/A 42,5 N LA", "CEM III/A 42,5 N LA"),
        ("CEM I 52.5 R", "CEM I 52,5 R"),
        ("CEM II/A-LL 32,5 R HSR", "CEM II/A-LL 32,5 R HSR"),
        ("cem iii/b  42,5 l la", "CEM III/B 42,5 L LA"),
        ("CEM I", "CEM I"),
        ("CEM II/B-M 32,5 N", "CEM II/B-M 32,5 N"),
        ("CEM II/C-M 42,5 N", "CEM II/C-M 42,5 N"),
        ("CEM IV/A 32,5 N", "CEM IV/A 32,5 N"),
        ("CEM IV/B (V) 32,5 N", "CEM IV/B (V) 32,5 N"),
        ("CEM II/B-M (S-V) 42,5 N", "CEM II/B-M (S-V) 42,5 N"),
        ("CEM V/B 32,5 N", "CEM V/B 32,5 N"),
        ("CEM I 52,5 N HSR LA HES", "CEM I 52,5 N HSR LA HES"),
    ],
)
def test_cement_type_is_accepted_and_returned_canonical(text: str, canonical: str) -> None:
    assert parse_cement_type(text) == canonical
    assert spec(cement_type=text).cement_type == canonical


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "Portland",
        "CEM",
        "CEM VI",
        "CEM II",
        "CEM II/A-X 42,5 N",
        "CEM III/D 42,5 N",
        "CEM I 45,5 N",
        "CEM I 52,5",
        "CEM I 52,5 X",
        "CEM III/A 42,5 N LH",
        "CEM III/A 42,5 NLA",
        "CEM I52,5R",
    ],
)
def test_cement_garbage_is_refused_naming_the_field(garbage: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_cement_type(garbage)

    assert list(refused.value.errors) == ["cement_type"]


@pytest.mark.parametrize("text", ["CEM I 52,5 R HSR HSR", "CEM III/A 42,5 N LA HSR LA"])
def test_repeated_belgian_suffix_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="repeats") as refused:
        parse_cement_type(text)

    assert list(refused.value.errors) == ["cement_type"]


@pytest.mark.parametrize("text", ["CEM II/B-M (S-LL) 42,5 N", "CEM V/A (S-V) 32,5 N LA"])
def test_composite_cement_with_its_constituents_in_brackets_is_accepted(text: str) -> None:
    assert parse_cement_type(text) == text


def test_cement_strength_written_without_a_space_is_returned_canonical() -> None:
    assert parse_cement_type("CEM I 42,5R") == parse_cement_type("CEM I 42,5 R") == "CEM I 42,5 R"
