"""A company and its membership roster: who belongs, with which role, and who is active."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from uuid import UUID

from betotrace_es.domain.base import BetotraceAggregate, by, utc_now
from betotrace_es.domain.exceptions import NotFoundError, TransitionRefusedError, ValidationError
from betotrace_es.domain.values import (
    Actor,
    CompanyKind,
    Permission,
    Role,
    collect_fields,
    require_text,
)
from betotrace_es.domain.vat import vat_number


class MemberStatus(Enum):
    """Where a user stands in their company."""

    INVITED = "invited"
    ACTIVE = "active"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Member:
    """A user's membership of the company."""

    user_id: UUID
    email: str
    role: Role
    status: MemberStatus
    invitation_expires_at: datetime | None = None
    joined: bool = False  # accepted an invitation (or founded the company)


class Company(BetotraceAggregate):
    """A supplier or a customer; the roster keeps at least one active admin."""

    class Event(BetotraceAggregate.Event):
        """An event of a company."""

    class Registered(BetotraceAggregate.Created):
        """The company joined the platform with its founding admin."""

        kind: CompanyKind
        legal_name: str
        vat_number: str
        founder_id: UUID
        founder_email: str

    class DetailsChanged(Event):
        """The legal name or VAT number changed."""

        legal_name: str
        vat_number: str

        def apply(self, aggregate: Company) -> None:
            aggregate.legal_name = self.legal_name
            aggregate.vat_number = self.vat_number

    class UserInvited(Event):
        """An admin invited a colleague (or renewed an invitation)."""

        user_id: UUID
        email: str
        role: Role
        expires_at: datetime

        def apply(self, aggregate: Company) -> None:
            aggregate.members[self.user_id] = Member(
                self.user_id, self.email, self.role, MemberStatus.INVITED, self.expires_at
            )

    class InvitationAccepted(Event):
        """The invitee set a password and became active."""

        user_id: UUID

        def apply(self, aggregate: Company) -> None:
            aggregate._set(
                self.user_id, status=MemberStatus.ACTIVE, invitation_expires_at=None, joined=True
            )

    class UserRoleChanged(Event):
        """An admin gave a user another role."""

        user_id: UUID
        role: Role

        def apply(self, aggregate: Company) -> None:
            aggregate._set(self.user_id, role=self.role)

    class UserDeactivated(Event):
        """The user can no longer log in."""

        user_id: UUID

        def apply(self, aggregate: Company) -> None:
            aggregate._set(self.user_id, status=MemberStatus.INACTIVE)

    class UserReactivated(Event):
        """The user can log in again."""

        user_id: UUID

        def apply(self, aggregate: Company) -> None:
            aggregate._set(self.user_id, status=MemberStatus.ACTIVE)

    def __init__(
        self,
        kind: CompanyKind,
        legal_name: str,
        vat_number: str,
        founder_id: UUID,
        founder_email: str,
    ) -> None:
        self.kind = kind
        self.legal_name = legal_name
        self.vat_number = vat_number
        self.members: dict[UUID, Member] = {
            founder_id: Member(
                founder_id, founder_email, Role.ADMIN, MemberStatus.ACTIVE, joined=True
            )
        }

    def _set(self, user_id: UUID, **changes: object) -> None:
        self.members[user_id] = replace(self.members[user_id], **changes)  # type: ignore[arg-type]

    @classmethod
    def register(
        cls,
        *,
        actor: Actor,
        kind: CompanyKind,
        legal_name: str,
        vat: str,
        founder_id: UUID,
        founder_email: str,
    ) -> Company:
        """A company joins the platform; its founder is its first admin."""
        values = collect_fields(
            {
                "legal_name": lambda: require_text(legal_name, "legal_name"),
                "vat_number": lambda: vat_number(vat),
            }
        )
        return cls._create(
            cls.Registered,
            **by(actor),
            kind=kind,
            legal_name=values["legal_name"],
            vat_number=values["vat_number"],
            founder_id=founder_id,
            founder_email=founder_email,
        )

    # -- queries ---------------------------------------------------------------------------

    def member(self, user_id: UUID) -> Member:
        """The membership of a user of this company."""
        try:
            return self.members[user_id]
        except KeyError:
            raise NotFoundError(f"no such user in {self.legal_name}") from None

    @property
    def active_admins(self) -> set[UUID]:
        """The ids of the active admins."""
        return {
            m.user_id
            for m in self.members.values()
            if m.role is Role.ADMIN and m.status is MemberStatus.ACTIVE
        }

    # -- commands --------------------------------------------------------------------------

    def change_details(self, actor: Actor, legal_name: str, vat: str) -> None:
        """An admin corrects the legal name or VAT number."""
        self._require_admin(actor, "change the company's details")
        values = collect_fields(
            {
                "legal_name": lambda: require_text(legal_name, "legal_name"),
                "vat_number": lambda: vat_number(vat),
            }
        )
        name, number = values["legal_name"], values["vat_number"]
        if (name, number) == (self.legal_name, self.vat_number):
            raise ValidationError.single("legal_name", "nothing changed")
        self.trigger_event(self.DetailsChanged, **by(actor), legal_name=name, vat_number=number)

    def invite_user(
        self, actor: Actor, user_id: UUID, email: str, role: Role, expires_at: datetime
    ) -> None:
        """Invite a new colleague, or renew the invitation of one who has not accepted yet."""
        self._require_admin(actor, "invite users")
        existing = self.members.get(user_id)
        if existing is not None and existing.joined:
            raise TransitionRefusedError(f"{existing.email} has already joined {self.legal_name}")
        if any(
            m.email.casefold() == email.casefold() and m.user_id != user_id
            for m in self.members.values()
        ):
            raise ValidationError.single("email", f"{email} is already a user of {self.legal_name}")
        self.trigger_event(
            self.UserInvited,
            **by(actor),
            user_id=user_id,
            email=email,
            role=role,
            expires_at=expires_at,
        )

    def accept_invitation(self, user_id: UUID, now: datetime | None = None) -> None:
        """The invitee accepts: single use, and only before it expires."""
        member = self.member(user_id)
        if member.joined:
            raise TransitionRefusedError("this invitation has already been used")
        if member.status is not MemberStatus.INVITED:
            raise TransitionRefusedError(
                "this invitation was revoked; ask your admin for a new one"
            )
        assert member.invitation_expires_at is not None
        if (now or utc_now()) >= member.invitation_expires_at:
            raise TransitionRefusedError(
                "this invitation has expired; ask your admin for a new one"
            )
        self.trigger_event(
            self.InvitationAccepted,
            actor_user_id=user_id,
            actor_company_id=self.id,
            user_id=user_id,
        )

    def change_role(self, actor: Actor, user_id: UUID, role: Role) -> None:
        """Give a user another role, never taking the last active admin's."""
        self._require_admin(actor, "change roles")
        member = self.member(user_id)
        if member.role is role:
            raise ValidationError.single("role", f"{member.email} is already {role.value}")
        if role is not Role.ADMIN:
            self._keep_an_admin(user_id)
        self.trigger_event(self.UserRoleChanged, **by(actor), user_id=user_id, role=role)

    def deactivate_user(self, actor: Actor, user_id: UUID) -> None:
        """Stop a user from logging in (or revoke an invitation), never the last active admin."""
        self._require_admin(actor, "deactivate users")
        member = self.member(user_id)
        if member.status is MemberStatus.INACTIVE:
            raise TransitionRefusedError(f"{member.email} is already inactive")
        self._keep_an_admin(user_id)
        self.trigger_event(self.UserDeactivated, **by(actor), user_id=user_id)

    def reactivate_user(self, actor: Actor, user_id: UUID) -> None:
        """Let a deactivated user log in again."""
        self._require_admin(actor, "reactivate users")
        member = self.member(user_id)
        if member.status is not MemberStatus.INACTIVE:
            raise TransitionRefusedError(f"{member.email} is not inactive")
        if not member.joined:
            raise TransitionRefusedError(
                f"{member.email} never accepted the invitation; invite them again instead"
            )
        self.trigger_event(self.UserReactivated, **by(actor), user_id=user_id)

    def _keep_an_admin(self, user_id: UUID) -> None:
        if self.active_admins == {user_id}:
            raise TransitionRefusedError(f"{self.legal_name} must keep at least one active admin")

    def _require_admin(self, actor: Actor, doing: str) -> None:
        actor.require(Permission.MANAGE_USERS, doing)
        actor.require_company(self.id, doing)
