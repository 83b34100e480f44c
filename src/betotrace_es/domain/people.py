"""People: users (identity and profile), a supplier's contact persons and drivers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from betotrace_es.domain.base import BetotraceAggregate, by
from betotrace_es.domain.exceptions import (
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.values import (
    DEFAULT_LANGUAGE,
    Actor,
    Permission,
    PhoneNumber,
    collect_fields,
    email_address,
    language,
    mobile_number,
    phone_numbers,
    require_text,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    """What a user says about themselves."""

    first_name: str
    last_name: str
    job_title: str = ""
    language: str = DEFAULT_LANGUAGE
    phone_numbers: tuple[PhoneNumber, ...] = ()

    @classmethod
    def parse(
        cls,
        *,
        first_name: str,
        last_name: str,
        job_title: str = "",
        language: str = DEFAULT_LANGUAGE,
        phone_numbers: tuple[PhoneNumber, ...] | list[PhoneNumber] = (),
        names_optional: bool = False,
    ) -> Profile:
        """Validate every field, reporting all problems at once."""
        return _collect(
            cls,
            first_name=lambda: require_text(
                first_name, "first_name", max_length=100, optional=names_optional
            ),
            last_name=lambda: require_text(
                last_name, "last_name", max_length=100, optional=names_optional
            ),
            job_title=lambda: require_text(job_title, "job_title", max_length=100, optional=True),
            language=lambda: _language(language),
            phone_numbers=lambda: _phones(phone_numbers),
        )


def _language(value: str) -> str:
    return language(value)


def _phones(values: tuple[PhoneNumber, ...] | list[PhoneNumber]) -> tuple[PhoneNumber, ...]:
    return phone_numbers(values)


def _collect(cls: Callable[..., T], **checks: Callable[[], object]) -> T:
    """Build ``cls`` from checked fields, reporting every failing field at once."""
    return cls(**collect_fields(checks))


class User(BetotraceAggregate):
    """A person with a login; membership and role live in the company's roster."""

    class Event(BetotraceAggregate.Event):
        """An event of a user."""

    class Registered(BetotraceAggregate.Created):
        """The user was created (as founder, or when invited)."""

        company_id: UUID
        email: str
        profile: Profile

    class ProfileUpdated(Event):
        """The user changed their profile."""

        profile: Profile

        def apply(self, aggregate: User) -> None:
            aggregate.profile = self.profile

    class PasswordChanged(Event):
        """The user set a new password (only its hash is kept)."""

        password_hash: str

        def apply(self, aggregate: User) -> None:
            aggregate.password_hash = self.password_hash

    def __init__(self, company_id: UUID, email: str, profile: Profile) -> None:
        self.company_id = company_id
        self.email = email
        self.profile = profile
        self.password_hash: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name, or the e-mail while the user has no name yet."""
        name = f"{self.profile.first_name} {self.profile.last_name}".strip()
        return name or self.email

    @classmethod
    def register(
        cls, *, actor: Actor, user_id: UUID, company_id: UUID, email: str, profile: Profile
    ) -> User:
        """Create the user's identity (the e-mail's uniqueness is claimed beside it)."""
        return cls._create(
            cls.Registered,
            id=user_id,
            **by(actor),
            company_id=company_id,
            email=email_address(email),
            profile=profile,
        )

    def update_profile(self, actor: Actor, profile: Profile) -> None:
        """A user edits their own profile."""
        if not actor.is_system and actor.user_id != self.id:
            raise PermissionDeniedError("you can only edit your own profile")
        if profile == self.profile:
            raise ValidationError.single("profile", "nothing changed")
        self.trigger_event(self.ProfileUpdated, **by(actor), profile=profile)

    def change_password(self, actor: Actor, password_hash: str) -> None:
        """Record a new password hash (hashing happens outside the domain)."""
        if not actor.is_system and actor.user_id != self.id:
            raise PermissionDeniedError("you can only change your own password")
        if not password_hash:
            raise ValidationError.single("password", "is required")
        self.trigger_event(self.PasswordChanged, **by(actor), password_hash=password_hash)


class SupplierOwned(BetotraceAggregate):
    """Shared guard of the aggregates a supplier manages."""

    if TYPE_CHECKING:
        supplier_id: UUID

    def _require(self, actor: Actor, permission: Permission, doing: str) -> None:
        actor.require(permission, doing)
        actor.require_company(self.supplier_id, doing)


@dataclass(frozen=True)
class ContactDetails:
    """A contact person's name, job and how to reach them."""

    first_name: str
    last_name: str
    job_title: str
    email: str
    phone_numbers: tuple[PhoneNumber, ...] = ()

    @classmethod
    def parse(
        cls,
        *,
        first_name: str,
        last_name: str,
        job_title: str = "",
        email: str,
        phone_numbers: tuple[PhoneNumber, ...] | list[PhoneNumber] = (),
    ) -> ContactDetails:
        """Validate every field, reporting all problems at once."""
        return _collect(
            cls,
            first_name=lambda: require_text(first_name, "first_name", max_length=100),
            last_name=lambda: require_text(last_name, "last_name", max_length=100),
            job_title=lambda: require_text(job_title, "job_title", max_length=100, optional=True),
            email=lambda: email_address(email),
            phone_numbers=lambda: _phones(phone_numbers),
        )


class ContactPerson(SupplierOwned):
    """Someone customers can call about one or more branches."""

    class Event(BetotraceAggregate.Event):
        """An event of a contact person."""

    class Registered(BetotraceAggregate.Created):
        """The supplier added a contact person."""

        supplier_id: UUID
        details: ContactDetails
        branch_ids: tuple[UUID, ...]

    class DetailsChanged(Event):
        """The contact person's details changed."""

        details: ContactDetails

        def apply(self, aggregate: ContactPerson) -> None:
            aggregate.details = self.details

    class BranchesChanged(Event):
        """The contact person is now contact for other branches."""

        branch_ids: tuple[UUID, ...]

        def apply(self, aggregate: ContactPerson) -> None:
            aggregate.branch_ids = tuple(self.branch_ids)

    def __init__(
        self, supplier_id: UUID, details: ContactDetails, branch_ids: tuple[UUID, ...]
    ) -> None:
        self.supplier_id = supplier_id
        self.details = details
        self.branch_ids = tuple(branch_ids)

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.details.first_name} {self.details.last_name}"

    @classmethod
    def register(
        cls,
        *,
        actor: Actor,
        supplier_id: UUID,
        details: ContactDetails,
        branch_ids: tuple[UUID, ...],
    ) -> ContactPerson:
        """Add a contact person for one or more of the supplier's branches."""
        actor.require(Permission.MANAGE_CATALOGUE, "manage contact persons")
        actor.require_company(supplier_id, "manage its contact persons")
        return cls._create(
            cls.Registered,
            **by(actor),
            supplier_id=supplier_id,
            details=details,
            branch_ids=_branches(branch_ids),
        )

    def change_details(self, actor: Actor, details: ContactDetails) -> None:
        """Correct name, job title, e-mail or phone numbers."""
        self._require(actor, Permission.MANAGE_CATALOGUE, "manage contact persons")
        if details == self.details:
            raise ValidationError.single("details", "nothing changed")
        self.trigger_event(self.DetailsChanged, **by(actor), details=details)

    def change_branches(self, actor: Actor, branch_ids: tuple[UUID, ...]) -> None:
        """Make the person contact for another set of branches."""
        self._require(actor, Permission.MANAGE_CATALOGUE, "manage contact persons")
        ids = _branches(branch_ids)
        if ids == self.branch_ids:
            raise ValidationError.single("branch_ids", "nothing changed")
        self.trigger_event(self.BranchesChanged, **by(actor), branch_ids=ids)


def _branches(branch_ids: tuple[UUID, ...] | list[UUID]) -> tuple[UUID, ...]:
    if not branch_ids:
        raise ValidationError.single(
            "branch_ids", "a contact person is contact for at least one branch"
        )
    return tuple(sorted(set(branch_ids)))


class Driver(SupplierOwned):
    """A truck-mixer driver of a supplier."""

    class Event(BetotraceAggregate.Event):
        """An event of a driver."""

    class Registered(BetotraceAggregate.Created):
        """The supplier added a driver."""

        supplier_id: UUID
        first_name: str
        last_name: str
        mobile: str

    class DetailsChanged(Event):
        """The driver's name or mobile number changed."""

        first_name: str
        last_name: str
        mobile: str

        def apply(self, aggregate: Driver) -> None:
            aggregate.first_name, aggregate.last_name = self.first_name, self.last_name
            aggregate.mobile = self.mobile

    class Deactivated(Event):
        """The driver can no longer be assigned."""

        def apply(self, aggregate: Driver) -> None:
            aggregate.active = False

    class Reactivated(Event):
        """The driver can be assigned again."""

        def apply(self, aggregate: Driver) -> None:
            aggregate.active = True

    def __init__(self, supplier_id: UUID, first_name: str, last_name: str, mobile: str) -> None:
        self.supplier_id = supplier_id
        self.first_name = first_name
        self.last_name = last_name
        self.mobile = mobile
        self.active = True

    @staticmethod
    def parse(first_name: str, last_name: str, mobile: str) -> dict[str, str]:
        """Validate a driver's details, reporting all problems at once."""
        return _collect(
            dict,
            first_name=lambda: require_text(first_name, "first_name", max_length=100),
            last_name=lambda: require_text(last_name, "last_name", max_length=100),
            mobile=lambda: mobile_number(mobile, "mobile"),
        )

    @classmethod
    def register(
        cls, *, actor: Actor, supplier_id: UUID, first_name: str, last_name: str, mobile: str
    ) -> Driver:
        """Add a driver (planners may manage drivers)."""
        actor.require(Permission.MANAGE_DRIVERS, "manage drivers")
        actor.require_company(supplier_id, "manage its drivers")
        details = cls.parse(first_name, last_name, mobile)
        return cls._create(
            cls.Registered,
            **by(actor),
            supplier_id=supplier_id,
            first_name=details["first_name"],
            last_name=details["last_name"],
            mobile=details["mobile"],
        )

    def change_details(self, actor: Actor, first_name: str, last_name: str, mobile: str) -> None:
        """Correct the driver's name or mobile number."""
        self._require(actor, Permission.MANAGE_DRIVERS, "manage drivers")
        details = self.parse(first_name, last_name, mobile)
        if details == {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "mobile": self.mobile,
        }:
            raise ValidationError.single("details", "nothing changed")
        self.trigger_event(self.DetailsChanged, **by(actor), **details)

    def deactivate(self, actor: Actor) -> None:
        """Take the driver off the assignable list."""
        self._require(actor, Permission.MANAGE_DRIVERS, "manage drivers")
        if not self.active:
            raise TransitionRefusedError(
                f"driver {self.first_name} {self.last_name} is already inactive"
            )
        self.trigger_event(self.Deactivated, **by(actor))

    def reactivate(self, actor: Actor) -> None:
        """Put the driver back on the assignable list."""
        self._require(actor, Permission.MANAGE_DRIVERS, "manage drivers")
        if self.active:
            raise TransitionRefusedError(
                f"driver {self.first_name} {self.last_name} is already active"
            )
        self.trigger_event(self.Reactivated, **by(actor))
