"""Companies, users and invitations; a supplier's contact persons and drivers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID, uuid4

from betotrace_es.application.base import Recorded
from betotrace_es.application.branches import BranchCommands
from betotrace_es.application.claims import USER_EMAILS
from betotrace_es.domain.base import utc_now
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue
from betotrace_es.domain.company import Company, MemberStatus
from betotrace_es.domain.exceptions import (
    NotFoundError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.people import ContactDetails, ContactPerson, Driver, Profile, User
from betotrace_es.domain.values import Actor, CompanyKind, Permission, Role, email_address

INVITATION_VALIDITY = timedelta(days=7)

SupplierThing = TypeVar("SupplierThing", ContactPerson, Driver)


class PeopleCommands(BranchCommands):
    """Who works where, with which role; and whom customers and trucks deal with."""

    # -- companies and users ---------------------------------------------------------------

    def register_company(
        self,
        actor: Actor,
        *,
        kind: CompanyKind,
        legal_name: str,
        vat_number: str,
        admin_email: str,
        admin_profile: Profile,
        admin_password_hash: str,
    ) -> Recorded[Company]:
        """A company joins with its first admin (and, for a supplier, an empty catalogue)."""
        admin_id = uuid4()
        email = email_address(admin_email, "admin_email")
        company = Company.register(
            actor=actor,
            kind=kind,
            legal_name=legal_name,
            vat=vat_number,
            founder_id=admin_id,
            founder_email=email,
        )
        founder = Actor(admin_id, company.id, Role.ADMIN)
        user = User.register(
            actor=actor, user_id=admin_id, company_id=company.id, email=email, profile=admin_profile
        )
        user.change_password(founder, admin_password_hash)
        catalogue = Catalogue.open(actor, company.id) if kind is CompanyKind.SUPPLIER else None
        claim = self.claim(actor, USER_EMAILS, email, admin_id, "admin_email")
        return Recorded(
            company, self.record_claiming("admin_email", email, company, user, catalogue, claim)
        )

    def get_company(self, company_id: UUID) -> Company:
        """A company with its roster."""
        return self.load(Company, company_id, "company")

    def get_user(self, actor: Actor, user_id: UUID) -> User:
        """A user of the actor's own company."""
        user = self.load(User, user_id, "user")
        if not actor.is_system and actor.company_id != user.company_id:
            raise NotFoundError("user not found")
        return user

    def user_by_email(self, email: str) -> User | None:
        """The user who holds this e-mail address, if any (for logging in)."""
        try:
            holder = self.claim_holder(USER_EMAILS, email_address(email))
        except ValidationError:
            return None
        return None if holder is None else self.load(User, holder, "user")

    def invite_user(
        self, actor: Actor, email: str, role: Role, now: datetime | None = None
    ) -> Recorded[User]:
        """An admin invites a colleague; inviting an unanswered invitee again renews it."""
        # Before the address is looked up: nobody else may learn whether it has an account.
        actor.require(Permission.MANAGE_USERS, "invite users")
        company = self._own_company(actor)
        address = email_address(email)
        expires_at = (now or utc_now()) + INVITATION_VALIDITY
        holder = self.claim_holder(USER_EMAILS, address)
        if holder is not None:
            member = company.members.get(holder)
            if member is None or member.joined:
                raise ValidationError.single("email", f"{address} already has an account")
            company.invite_user(actor, holder, address, role, expires_at)
            return Recorded(self.load(User, holder, "user"), self.record(company))
        user = User.register(
            actor=actor,
            user_id=uuid4(),
            company_id=company.id,
            email=address,
            profile=Profile(first_name="", last_name=""),
        )
        company.invite_user(actor, user.id, address, role, expires_at)
        claim = self.claim(actor, USER_EMAILS, address, user.id, "email")
        return Recorded(user, self.record_claiming("email", address, company, user, claim))

    def accept_invitation(
        self,
        user_id: UUID,
        *,
        first_name: str,
        last_name: str,
        password_hash: str,
        now: datetime | None = None,
    ) -> Recorded[User]:
        """The invitee sets a name and password and becomes active (once, before expiry)."""
        user = self.load(User, user_id, "invitation")
        company = self.get_company(user.company_id)
        profile = Profile.parse(
            first_name=first_name,
            last_name=last_name,
            job_title=user.profile.job_title,
            language=user.profile.language,
            phone_numbers=user.profile.phone_numbers,
        )
        company.accept_invitation(user_id, now)
        member = company.member(user_id)
        self_actor = Actor(user_id, company.id, member.role)
        user.update_profile(self_actor, profile)
        user.change_password(self_actor, password_hash)
        return Recorded(user, self.record(company, user))

    def change_role(self, actor: Actor, user_id: UUID, role: Role) -> Recorded[Company]:
        """An admin changes a colleague's role (never the last admin's)."""
        company = self._own_company(actor)
        company.change_role(actor, user_id, role)
        return Recorded(company, self.record(company))

    def deactivate_user(self, actor: Actor, user_id: UUID) -> Recorded[Company]:
        """An admin deactivates a colleague (never the last admin)."""
        company = self._own_company(actor)
        company.deactivate_user(actor, user_id)
        return Recorded(company, self.record(company))

    def reactivate_user(self, actor: Actor, user_id: UUID) -> Recorded[Company]:
        """An admin reactivates a colleague."""
        company = self._own_company(actor)
        company.reactivate_user(actor, user_id)
        return Recorded(company, self.record(company))

    def change_membership(
        self, actor: Actor, user_id: UUID, *, role: Role | None = None, active: bool | None = None
    ) -> Recorded[Company]:
        """An admin changes a colleague's role and/or (de)activates them, all or nothing."""
        actor.require(Permission.MANAGE_USERS, "change users")
        company = self._own_company(actor)
        member = company.member(user_id)
        if role is not None and role is not member.role:
            company.change_role(actor, user_id, role)
        # An invitee is neither: "inactive" revokes the invitation, "active" leaves it open.
        if active is True and member.status is MemberStatus.INACTIVE:
            company.reactivate_user(actor, user_id)
        elif active is False and member.status is not MemberStatus.INACTIVE:
            company.deactivate_user(actor, user_id)
        if not company.pending_events:
            return Recorded(company, 0)
        return Recorded(company, self.record(company))

    def update_profile(self, actor: Actor, profile: Profile) -> Recorded[User]:
        """Users edit their own profile."""
        user = self._self(actor)
        user.update_profile(actor, profile)
        return Recorded(user, self.record(user))

    def change_password(self, actor: Actor, password_hash: str) -> Recorded[User]:
        """Users set a new password (hashed by the caller)."""
        user = self._self(actor)
        user.change_password(actor, password_hash)
        return Recorded(user, self.record(user))

    def _own_company(self, actor: Actor) -> Company:
        if actor.company_id is None:
            raise ValidationError.single("company", "is required")
        return self.get_company(actor.company_id)

    def _self(self, actor: Actor) -> User:
        if actor.user_id is None:
            raise ValidationError.single("user", "is required")
        return self.get_user(actor, actor.user_id)

    # -- contact persons -------------------------------------------------------------------

    def register_contact(
        self,
        actor: Actor,
        details: ContactDetails,
        branch_ids: tuple[UUID, ...] | list[UUID],
        default_for_branch_ids: tuple[UUID, ...] | list[UUID] = (),
    ) -> Recorded[ContactPerson]:
        """Add a contact person for some branches, optionally their default contact."""
        if actor.company_id is None:
            raise ValidationError.single("company", "is required")
        branches = self._own_branches(actor, branch_ids, "branch_ids")
        contact = ContactPerson.register(
            actor=actor, supplier_id=actor.company_id, details=details, branch_ids=tuple(branch_ids)
        )
        defaults = self._set_defaults(actor, contact, branches, default_for_branch_ids)
        return Recorded(contact, self.record(contact, *defaults))

    def change_contact(
        self,
        actor: Actor,
        contact_id: UUID,
        *,
        details: ContactDetails | None = None,
        branch_ids: tuple[UUID, ...] | list[UUID] | None = None,
        default_for_branch_ids: tuple[UUID, ...] | list[UUID] | None = None,
    ) -> Recorded[ContactPerson]:
        """Change details, branches or default roles; a branch it leaves loses it as default."""
        actor.require(Permission.MANAGE_CATALOGUE, "manage contact persons")
        contact = self._own(ContactPerson, actor, contact_id, "contact person")
        if details is not None and details != contact.details:
            contact.change_details(actor, details)
        if branch_ids is not None and tuple(sorted(set(branch_ids))) != contact.branch_ids:
            self._own_branches(actor, branch_ids, "branch_ids")
            contact.change_branches(actor, tuple(branch_ids))
        changed: list[Branch] = []
        branches = self._own_branches(actor, contact.branch_ids, "branch_ids")
        if default_for_branch_ids is not None:
            changed = self._set_defaults(
                actor, contact, branches, default_for_branch_ids, replace=True
            )
        for branch in self._branches_defaulting_to(actor, contact):
            if branch.id not in contact.branch_ids:
                branch.set_default_contact(actor, None)
                changed.append(branch)
        return Recorded(contact, self.record(contact, *changed))

    def _set_defaults(
        self,
        actor: Actor,
        contact: ContactPerson,
        branches: list[Branch],
        default_for: tuple[UUID, ...] | list[UUID],
        *,
        replace: bool = False,
    ) -> list[Branch]:
        by_id = {b.id: b for b in branches}
        unknown = [str(i) for i in default_for if i not in by_id]
        if unknown:
            raise ValidationError.single(
                "default_for_branch_ids",
                "must be branches the person is contact for: " + ", ".join(unknown),
            )
        changed = []
        for branch in branches:
            wanted = branch.id in default_for
            if wanted and branch.default_contact_id != contact.id:
                branch.set_default_contact(actor, contact)
                changed.append(branch)
            elif replace and not wanted and branch.default_contact_id == contact.id:
                branch.set_default_contact(actor, None)
                changed.append(branch)
        return changed

    def _branches_defaulting_to(self, actor: Actor, contact: ContactPerson) -> list[Branch]:
        # The branches it just left are not in contact.branch_ids any more: look at the history.
        ids = {i for e in self.events.get(contact.id) for i in getattr(e, "branch_ids", ())}
        return [
            b
            for b in self._own_branches(actor, list(ids), "branch_ids")
            if b.default_contact_id == contact.id
        ]

    def _own_branches(
        self, actor: Actor, branch_ids: tuple[UUID, ...] | list[UUID], field: str
    ) -> list[Branch]:
        branches = []
        for branch_id in dict.fromkeys(branch_ids):
            try:
                branches.append(self.get_branch(actor, branch_id))
            except NotFoundError:
                raise ValidationError.single(
                    field, f"{branch_id} is not one of your branches"
                ) from None
        return branches

    def _own(self, cls: type[SupplierThing], actor: Actor, ident: UUID, what: str) -> SupplierThing:
        found = self.load(cls, ident, what)
        if not actor.is_system and found.supplier_id != actor.company_id:
            raise NotFoundError(f"{what} not found")
        return found

    def get_contact(self, actor: Actor, contact_id: UUID) -> ContactPerson:
        """A contact person of the actor's company."""
        return self._own(ContactPerson, actor, contact_id, "contact person")

    # -- drivers ---------------------------------------------------------------------------

    def register_driver(
        self, actor: Actor, first_name: str, last_name: str, mobile: str
    ) -> Recorded[Driver]:
        """Add a truck-mixer driver (suppliers have drivers; customers do not)."""
        if actor.company_id is None:
            raise ValidationError.single("company", "is required")
        company = self.load_reference(Company, actor.company_id, "company")
        if company.kind is not CompanyKind.SUPPLIER:
            raise PermissionDeniedError("only a supplier has drivers")
        driver = Driver.register(
            actor=actor,
            supplier_id=actor.company_id,
            first_name=first_name,
            last_name=last_name,
            mobile=mobile,
        )
        return Recorded(driver, self.record(driver))

    def get_driver(self, actor: Actor, driver_id: UUID) -> Driver:
        """A driver of the actor's company."""
        return self._own(Driver, actor, driver_id, "driver")

    def change_driver(
        self,
        actor: Actor,
        driver_id: UUID,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        mobile: str | None = None,
        active: bool | None = None,
    ) -> Recorded[Driver]:
        """Change a driver's details and/or whether they can be assigned."""
        driver = self.get_driver(actor, driver_id)
        new = (
            first_name or driver.first_name,
            last_name or driver.last_name,
            mobile or driver.mobile,
        )
        if new != (driver.first_name, driver.last_name, driver.mobile):
            driver.change_details(actor, *new)
        if active is not None and active != driver.active:
            (driver.reactivate if active else driver.deactivate)(actor)
        if not driver.pending_events:
            raise TransitionRefusedError("nothing changed")
        return Recorded(driver, self.record(driver))
