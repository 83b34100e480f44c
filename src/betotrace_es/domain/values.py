"""Value objects and the validation rules behind them; every rejection names its field."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any
from uuid import UUID

import phonenumbers
from babel import Locale

from betotrace_es.domain.exceptions import PermissionDeniedError, ValidationError

LANGUAGES = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"
DEFAULT_PHONE_REGION = "BE"


class Party(Enum):
    """The two sides of an order."""

    CUSTOMER = "customer"
    SUPPLIER = "supplier"

    @property
    def other(self) -> Party:
        """The opposite party."""
        return Party.SUPPLIER if self is Party.CUSTOMER else Party.CUSTOMER


class CompanyKind(Enum):
    """Whether a company produces concrete or orders it."""

    SUPPLIER = "supplier"
    CUSTOMER = "customer"


class Role(Enum):
    """A user's role in their company."""

    ADMIN = "admin"
    PLANNER = "planner"
    VIEWER = "viewer"


class Permission(Enum):
    """What a role may do (the permission table of the domain spec)."""

    READ = "read"
    ORDER_COMMANDS = "order_commands"
    MANAGE_CATALOGUE = "manage_catalogue"  # branches, products, contact persons
    MANAGE_DRIVERS = "manage_drivers"
    MANAGE_USERS = "manage_users"
    EDIT_OWN_PROFILE = "edit_own_profile"


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.PLANNER: frozenset(
        {
            Permission.READ,
            Permission.ORDER_COMMANDS,
            Permission.MANAGE_DRIVERS,
            Permission.EDIT_OWN_PROFILE,
        }
    ),
    Role.VIEWER: frozenset({Permission.READ, Permission.EDIT_OWN_PROFILE}),
}


@dataclass(frozen=True)
class Actor:
    """Who issues a command: a user of a company, with the role the caller authenticated."""

    user_id: UUID | None
    company_id: UUID | None
    role: Role = Role.VIEWER

    @classmethod
    def system(cls) -> Actor:
        """The platform itself (administration commands, seeding)."""
        return cls(user_id=None, company_id=None, role=Role.ADMIN)

    @property
    def is_system(self) -> bool:
        """Whether this is the platform rather than a user."""
        return self.user_id is None and self.company_id is None

    def require(self, permission: Permission, doing: str) -> None:
        """Refuse unless the actor's role grants ``permission``."""
        if not self.is_system and permission not in PERMISSIONS[self.role]:
            raise PermissionDeniedError(f"a {self.role.value} may not {doing}")

    def require_company(self, company_id: UUID, doing: str) -> None:
        """Refuse unless the actor belongs to ``company_id`` (the platform always may)."""
        if not self.is_system and self.company_id != company_id:
            raise PermissionDeniedError(f"only the owning company may {doing}")


def collect_fields(checks: Mapping[str, Callable[[], object]]) -> dict[str, Any]:
    """Run each field's check; raise one ValidationError naming every failing field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return values


def require_text(value: str, field: str, *, max_length: int = 200, optional: bool = False) -> str:
    """Strip ``value`` and check it is non-empty (unless optional) and not too long."""
    if not isinstance(value, str):
        raise ValidationError.single(field, "must be text")
    text = " ".join(value.split()) if "\n" not in value else value.strip()
    if not text and not optional:
        raise ValidationError.single(field, "is required")
    if len(text) > max_length:
        raise ValidationError.single(field, f"must be at most {max_length} characters")
    return text


_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_decimal(value: Decimal | str | int, field: str, *, max_places: int = 3) -> Decimal:
    """A finite decimal > 0 with at most ``max_places`` decimals."""
    if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
        raise ValidationError.single(field, "must be a decimal number such as 12.5")
    if isinstance(value, str) and not _DECIMAL.fullmatch(value.strip()):
        raise ValidationError.single(field, "must be a decimal number such as 12.5")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValidationError.single(field, "must be a decimal number such as 12.5") from None
    if not number.is_finite():
        raise ValidationError.single(field, "must be a finite number")
    if number <= 0:
        raise ValidationError.single(field, "must be greater than 0")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_places:
        raise ValidationError.single(field, f"must have at most {max_places} decimals")
    if number >= Decimal(10) ** 6:
        raise ValidationError.single(field, "must be less than 1000000")
    return canonical_decimal(number)


def canonical_decimal(number: Decimal) -> Decimal:
    """The shortest plain form: ``12.500`` → ``12.5``, ``1E+2`` → ``100``."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def quantity_m3(value: Decimal | str | int, field: str = "quantity_m3") -> Decimal:
    """A concrete volume in m³: > 0, at most 3 decimals."""
    return parse_decimal(value, field, max_places=3)


def future_moment(value: datetime, now: datetime, field: str = "delivery_at") -> datetime:
    """A timezone-aware moment strictly after ``now``."""
    if not isinstance(value, datetime):
        raise ValidationError.single(field, "must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError.single(field, "must include a timezone offset")
    if value <= now:
        raise ValidationError.single(field, "must be in the future")
    return value


def phone_number(value: str, field: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A valid phone number, returned in E.164 (national numbers default to Belgium)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.single(field, "is required")
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationError.single(field, f"'{value}' is not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError.single(field, f"'{value}' is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def mobile_number(value: str, field: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A valid mobile number (a driver is reached on the road), in E.164."""
    number = phone_number(value, field, region)
    if phonenumbers.number_type(phonenumbers.parse(number)) not in _MOBILE_TYPES:
        raise ValidationError.single(field, f"'{value}' is not a mobile number")
    return number


@dataclass(frozen=True)
class PhoneNumber:
    """A labelled phone number in E.164."""

    label: str
    number: str

    @classmethod
    def parse(cls, label: str, number: str, field: str = "phone_numbers") -> PhoneNumber:
        """Validate a label and a number in any common notation."""
        return cls(
            label=require_text(label, f"{field}.label", max_length=40),
            number=phone_number(number, f"{field}.number"),
        )


def phone_numbers(values: tuple[PhoneNumber, ...] | list[PhoneNumber]) -> tuple[PhoneNumber, ...]:
    """Re-validate a list of phone numbers (they may come unvalidated from a caller)."""
    checked = []
    for index, item in enumerate(values):
        checked.append(PhoneNumber.parse(item.label, item.number, f"phone_numbers[{index}]"))
    return tuple(checked)


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


def email_address(value: str, field: str = "email") -> str:
    """An e-mail address, trimmed; the domain part lower-cased."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.single(field, "is required")
    text = value.strip()
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValidationError.single(field, f"'{value}' is not an e-mail address")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def language(value: str, field: str = "language") -> str:
    """One of the platform's languages: nl, fr or en."""
    code = value.strip().lower() if isinstance(value, str) else value
    if code not in LANGUAGES:
        raise ValidationError.single(field, f"must be one of {', '.join(LANGUAGES)}")
    return code


def normalised_key(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name, for uniqueness and search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


@dataclass(frozen=True)
class Location:
    """A WGS84 point."""

    lat: float
    lon: float

    @classmethod
    def parse(cls, lat: float, lon: float, field: str = "location") -> Location:
        """Check both coordinates are finite and in range."""
        errors: dict[str, list[str]] = {}
        for name, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                errors[f"{field}.{name}"] = ["must be a number"]
            elif not math.isfinite(value) or not -limit <= value <= limit:
                errors[f"{field}.{name}"] = [f"must be between -{limit:g} and {limit:g}"]
        if errors:
            raise ValidationError(errors)
        return cls(lat=float(lat), lon=float(lon))


# ISO 3166-1 alpha-2 codes as CLDR knows them (Babel's data), without its pseudo-territories.
_COUNTRIES = frozenset(
    code
    for code in map(str, Locale("en").territories)
    if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "QO", "UN", "ZZ"}
)


@dataclass(frozen=True)
class Address:
    """A postal address; the house number may be empty (sites often have none)."""

    street: str
    number: str
    postal_code: str
    city: str
    country: str = "BE"

    @classmethod
    def parse(
        cls,
        street: str,
        number: str,
        postal_code: str,
        city: str,
        country: str = "BE",
        field: str = "address",
    ) -> Address:
        """Validate every part; all problems are reported at once."""
        errors: dict[str, list[str]] = {}
        parts: dict[str, str] = {}
        for name, value, optional in (
            ("street", street, False),
            ("number", number, True),
            ("postal_code", postal_code, False),
            ("city", city, False),
            ("country", country, False),
        ):
            try:
                parts[name] = require_text(
                    value, f"{field}.{name}", max_length=100, optional=optional
                )
            except ValidationError as exc:
                errors.update(exc.errors)
        country_code = parts.get("country", "").upper()
        if "country" in parts and country_code not in _COUNTRIES:
            errors[f"{field}.country"] = ["must be a two-letter ISO country code such as BE"]
        if (
            country_code == "BE"
            and "postal_code" in parts
            and not re.fullmatch(r"[1-9]\d{3}", parts["postal_code"])
        ):
            errors[f"{field}.postal_code"] = ["must be a Belgian postal code of 4 digits"]
        if errors:
            raise ValidationError(errors)
        return cls(
            street=parts["street"],
            number=parts["number"],
            postal_code=parts["postal_code"],
            city=parts["city"],
            country=country_code,
        )
