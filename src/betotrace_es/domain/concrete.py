"""EN 206 / NBN B 15-001 vocabularies and the product specification built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from betotrace_es.domain.exceptions import ValidationError

STRENGTH_CLASSES = [
    # normal and heavy-weight concrete
    *[f"C{a}/{b}" for a, b in ((8, 10), (12, 15), (16, 20), (20, 25), (25, 30), (30, 37))],
    *[f"C{a}/{b}" for a, b in ((35, 45), (40, 50), (45, 55), (50, 60), (55, 67), (60, 75))],
    *[f"C{a}/{b}" for a, b in ((70, 85), (80, 95), (90, 105), (100, 115))],
    # lightweight concrete
    *[f"LC{a}/{b}" for a, b in ((8, 9), (12, 13), (16, 18), (20, 22), (25, 28), (30, 33))],
    *[f"LC{a}/{b}" for a, b in ((35, 38), (40, 44), (45, 50), (50, 55), (55, 60), (60, 66))],
    *[f"LC{a}/{b}" for a, b in ((70, 77), (80, 88))],
]

EXPOSURE_CLASSES = (
    ["X0"]
    + [f"XC{i}" for i in range(1, 5)]
    + [f"XD{i}" for i in range(1, 4)]
    + [f"XS{i}" for i in range(1, 4)]
    + [f"XF{i}" for i in range(1, 5)]
    + [f"XA{i}" for i in range(1, 4)]
    # Belgian NBN B 15-001 environment classes
    + ["EI"]
    + [f"EE{i}" for i in range(1, 5)]
    + [f"ES{i}" for i in range(1, 5)]
    + [f"EA{i}" for i in range(1, 4)]
)

CONSISTENCY_CLASSES = (
    [f"S{i}" for i in range(1, 6)]
    + [f"F{i}" for i in range(1, 7)]
    + [f"V{i}" for i in range(5)]
    + [f"C{i}" for i in range(5)]
    + [f"SF{i}" for i in range(1, 4)]
)

CHLORIDE_CLASSES = ("Cl 1,0", "Cl 0,40", "Cl 0,20", "Cl 0,10")
DOMAINS_OF_USE = ("unreinforced", "reinforced", "prestressed")

_CEMENT = re.compile(
    r"^CEM (?:I|II/[AB]-(?:S|D|P|Q|V|W|T|LL|L|M)|II/C-M|III/[ABC]|IV/[AB]|V/[AB])"
    r"(?: \([A-Z]{1,2}(?:-[A-Z]{1,2})*\))?"  # main constituents: (S-LL), or one: CEM IV/B (V)
    r"(?: (?:32|42|52),5 [NRL])?"
    r"(?: (?:HSR|LA|HES))*$"
)
_STRENGTH_CLASS_GLUED = re.compile(r"(\d{2},5)([NRL])\b")


def _one_of(value: str, allowed: tuple[str, ...] | list[str], field_name: str) -> str:
    cleaned = " ".join(value.split()).replace(".", ",")  # "Cl 0.40" is "Cl 0,40"
    for candidate in allowed:
        if candidate.casefold() == cleaned.casefold():
            return candidate
    shown = ", ".join(allowed[:8]) + (" …" if len(allowed) > 8 else "")
    raise ValidationError.single(
        field_name, f"'{value}' is not a known class (expected one of {shown})"
    )


def parse_cement_type(value: str, field_name: str = "cement_type") -> str:
    """An EN 197-1 cement designation such as ``CEM III/A 42,5 N LA``."""
    cleaned = " ".join(value.replace(".", ",").upper().split())
    cleaned = _STRENGTH_CLASS_GLUED.sub(r"\1 \2", cleaned)  # "42,5R" is "42,5 R"
    if not _CEMENT.match(cleaned):
        raise ValidationError.single(
            field_name,
            f"'{value}' is not an EN 197-1 cement type (e.g. CEM I 52,5 R or CEM III/A 42,5 N LA)",
        )
    suffixes = [s for s in cleaned.split() if s in {"HSR", "LA", "HES"}]
    if len(suffixes) != len(set(suffixes)):
        raise ValidationError.single(field_name, "repeats a Belgian suffix (HSR, LA, HES)")
    return cleaned


@dataclass(frozen=True)
class ProductSpec:
    """An optional EN 206 specification; when given, it is performance-specified."""

    strength_class: str | None = None
    exposure_classes: tuple[str, ...] = field(default=())
    consistency_class: str | None = None
    dmax_mm: int | None = None
    chloride_class: str | None = None
    domain_of_use: str | None = None
    cement_type: str | None = None

    @property
    def is_empty(self) -> bool:
        """Whether no specification was given at all."""
        return self == ProductSpec()

    @classmethod
    def parse(
        cls,
        *,
        strength_class: str | None = None,
        exposure_classes: tuple[str, ...] | list[str] = (),
        consistency_class: str | None = None,
        dmax_mm: int | None = None,
        chloride_class: str | None = None,
        domain_of_use: str | None = None,
        cement_type: str | None = None,
    ) -> ProductSpec:
        """Validate every class against its vocabulary; report all problems at once."""
        errors: dict[str, list[str]] = {}

        def check(name: str, value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
            if value is None or value == "":
                return None
            try:
                return _one_of(value, allowed, name)
            except ValidationError as exc:
                errors.update(exc.errors)
                return None

        strength = check("strength_class", strength_class, STRENGTH_CLASSES)
        exposures: list[str] = []
        for index, exposure in enumerate(exposure_classes):
            checked = check(f"exposure_classes[{index}]", exposure, EXPOSURE_CLASSES)
            if checked and checked not in exposures:
                exposures.append(checked)
        consistency = check("consistency_class", consistency_class, CONSISTENCY_CLASSES)
        chloride = check("chloride_class", chloride_class, CHLORIDE_CLASSES)
        domain = check("domain_of_use", domain_of_use, DOMAINS_OF_USE)
        cement = None
        if cement_type:
            try:
                cement = parse_cement_type(cement_type)
            except ValidationError as exc:
                errors.update(exc.errors)
        if dmax_mm is not None and (
            isinstance(dmax_mm, bool) or not isinstance(dmax_mm, int) or not 1 <= dmax_mm <= 125
        ):
            errors["dmax_mm"] = ["must be a whole number of millimetres between 1 and 125"]
            dmax_mm = None
        if errors:
            raise ValidationError(errors)
        spec = cls(
            strength_class=strength,
            exposure_classes=tuple(exposures),
            consistency_class=consistency,
            dmax_mm=dmax_mm,
            chloride_class=chloride,
            domain_of_use=domain,
            cement_type=cement,
        )
        spec.require_performance_fields()
        return spec

    def require_performance_fields(self) -> None:
        """A specified concrete names strength, exposure, consistency and Dmax."""
        if self.is_empty:
            return
        missing = {
            "strength_class": self.strength_class is None,
            "exposure_classes": not self.exposure_classes,
            "consistency_class": self.consistency_class is None,
            "dmax_mm": self.dmax_mm is None,
        }
        errors = {
            name: ["is required for a performance-specified concrete (EN 206)"]
            for name, is_missing in missing.items()
            if is_missing
        }
        if errors:
            raise ValidationError(errors)
