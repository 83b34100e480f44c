"""Company: registration, details, and a roster that always keeps an active admin."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar
from uuid import UUID, uuid4

import pytest

from betotrace_es.domain.base import utc_now
from betotrace_es.domain.company import Company, Member, MemberStatus
from betotrace_es.domain.exceptions import (
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.values import Actor, CompanyKind, Role
from tests.builders import World

E = TypeVar("E")
FOUNDER = uuid4()
WEEK = timedelta(days=7)


def single_event(company: Company, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = company.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


def refused_without_event(
    company: Company, error: type[DomainError], command: Callable[[], object]
) -> DomainError:
    """The command raises ``error`` and leaves the company exactly as it was."""
    before = (company.version, company.legal_name, company.vat_number, dict(company.members))
    with pytest.raises(error) as refused:
        command()
    assert company.pending_events == []
    assert (company.version, company.legal_name, company.vat_number, company.members) == before
    return refused.value


def register(legal_name: str = "Bouw BV", vat: str = "BE 0123.456.749") -> Company:
    return Company.register(
        actor=Actor.system(),
        kind=CompanyKind.CUSTOMER,
        legal_name=legal_name,
        vat=vat,
        founder_id=FOUNDER,
        founder_email="bart@bouw.example.be",
    )


@pytest.fixture
def company() -> Company:
    company = register()
    company.collect_events()
    return company


@pytest.fixture
def admin(company: Company) -> Actor:
    return Actor(FOUNDER, company.id, Role.ADMIN)


def invited(company: Company, admin: Actor, role: Role = Role.PLANNER) -> UUID:
    user_id = uuid4()
    company.invite_user(
        admin, user_id, f"{user_id.hex[:6]}@bouw.example.be", role, utc_now() + WEEK
    )
    company.collect_events()
    return user_id


def joined(company: Company, admin: Actor, role: Role = Role.PLANNER) -> UUID:
    user_id = invited(company, admin, role)
    company.accept_invitation(user_id)
    company.collect_events()
    return user_id


def test_company_registers_with_its_founder_as_active_admin() -> None:
    company = register("  Bouw   BV ")

    assert (company.kind, company.legal_name, company.vat_number) == (
        CompanyKind.CUSTOMER,
        "Bouw BV",
        "BE0123456749",
    )
    assert company.members[FOUNDER] == Member(
        FOUNDER, "bart@bouw.example.be", Role.ADMIN, MemberStatus.ACTIVE, joined=True
    )
    assert company.active_admins == {FOUNDER}
    event = single_event(company, Company.Registered)
    assert (event.founder_id, event.actor_user_id, event.actor_company_id) == (FOUNDER, None, None)


def test_registration_reports_every_invalid_field_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        register(legal_name=" ", vat="BE0123456748")

    assert set(refused.value.errors) == {"legal_name", "vat_number"}


def test_admin_changes_the_legal_name_and_vat_number(company: Company, admin: Actor) -> None:
    company.change_details(admin, "Bouw & Co BV", "BE0123456749")

    assert company.legal_name == "Bouw & Co BV"
    event = single_event(company, Company.DetailsChanged)
    assert (event.legal_name, event.vat_number, event.actor_user_id) == (
        "Bouw & Co BV",
        "BE0123456749",
        FOUNDER,
    )


@pytest.mark.parametrize(
    ("name", "vat", "field"),
    [
        ("Bouw BV", "BE0123456749", "legal_name"),
        ("", "BE0123456749", "legal_name"),
        ("Bouw BV", "BE9999999999", "vat_number"),
    ],
    ids=["unchanged", "empty name", "bad vat"],
)
def test_invalid_or_unchanged_details_are_refused(
    company: Company, admin: Actor, name: str, vat: str, field: str
) -> None:
    error = refused_without_event(
        company, ValidationError, lambda: company.change_details(admin, name, vat)
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == [field]


def test_admin_invites_a_colleague_who_accepts_and_becomes_active(
    company: Company, admin: Actor
) -> None:
    user_id, expires = uuid4(), utc_now() + WEEK

    company.invite_user(admin, user_id, "eva@bouw.example.be", Role.VIEWER, expires)

    assert company.member(user_id).status is MemberStatus.INVITED
    event = single_event(company, Company.UserInvited)
    assert (event.user_id, event.email, event.role, event.expires_at) == (
        user_id,
        "eva@bouw.example.be",
        Role.VIEWER,
        expires,
    )
    assert event.actor_user_id == FOUNDER

    company.accept_invitation(user_id)

    assert company.member(user_id).status is MemberStatus.ACTIVE
    accepted = single_event(company, Company.InvitationAccepted)
    assert (accepted.user_id, accepted.actor_user_id, accepted.actor_company_id) == (
        user_id,
        user_id,
        company.id,
    )


def test_inviting_an_unanswered_invitee_again_renews_the_invitation(
    company: Company, admin: Actor
) -> None:
    user_id = invited(company, admin)
    later = utc_now() + 2 * WEEK

    company.invite_user(admin, user_id, company.member(user_id).email, Role.ADMIN, later)

    assert company.member(user_id).invitation_expires_at == later
    assert company.member(user_id).role is Role.ADMIN
    single_event(company, Company.UserInvited)


def test_member_who_joined_cannot_be_invited_again(company: Company, admin: Actor) -> None:
    user_id = joined(company, admin)
    email = company.member(user_id).email

    refused_without_event(
        company,
        TransitionRefusedError,
        lambda: company.invite_user(admin, user_id, email, Role.PLANNER, utc_now() + WEEK),
    )


def test_email_of_another_member_cannot_be_invited(company: Company, admin: Actor) -> None:
    error = refused_without_event(
        company,
        ValidationError,
        lambda: company.invite_user(
            admin, uuid4(), "BART@bouw.example.be", Role.PLANNER, utc_now() + WEEK
        ),
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["email"]


def test_invitation_is_single_use_and_expires(company: Company, admin: Actor) -> None:
    used = joined(company, admin)
    expiring = invited(company, admin)
    expiry = company.member(expiring).invitation_expires_at
    assert expiry is not None

    refused_without_event(company, TransitionRefusedError, lambda: company.accept_invitation(used))
    refused_without_event(
        company, TransitionRefusedError, lambda: company.accept_invitation(expiring, expiry)
    )
    refused_without_event(company, NotFoundError, lambda: company.accept_invitation(uuid4()))


def test_admin_changes_a_role_and_a_new_admin_lets_the_founder_step_down(
    company: Company, admin: Actor
) -> None:
    colleague = joined(company, admin)

    company.change_role(admin, colleague, Role.ADMIN)
    event = single_event(company, Company.UserRoleChanged)
    company.change_role(admin, FOUNDER, Role.VIEWER)

    assert (event.user_id, event.role) == (colleague, Role.ADMIN)
    assert company.active_admins == {colleague}
    assert single_event(company, Company.UserRoleChanged).role is Role.VIEWER


def test_last_active_admin_keeps_the_admin_role(company: Company, admin: Actor) -> None:
    refused_without_event(
        company, TransitionRefusedError, lambda: company.change_role(admin, FOUNDER, Role.PLANNER)
    )
    error = refused_without_event(
        company, ValidationError, lambda: company.change_role(admin, FOUNDER, Role.ADMIN)
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["role"]


def test_admin_deactivates_and_reactivates_a_colleague(company: Company, admin: Actor) -> None:
    colleague = joined(company, admin)

    company.deactivate_user(admin, colleague)
    assert company.member(colleague).status is MemberStatus.INACTIVE
    assert single_event(company, Company.UserDeactivated).user_id == colleague

    company.reactivate_user(admin, colleague)
    assert company.member(colleague).status is MemberStatus.ACTIVE
    assert single_event(company, Company.UserReactivated).user_id == colleague


def test_deactivation_refusals(company: Company, admin: Actor) -> None:
    colleague = joined(company, admin)
    company.deactivate_user(admin, colleague)
    company.collect_events()

    refused_without_event(
        company, TransitionRefusedError, lambda: company.deactivate_user(admin, FOUNDER)
    )
    refused_without_event(
        company, TransitionRefusedError, lambda: company.deactivate_user(admin, colleague)
    )
    refused_without_event(
        company, TransitionRefusedError, lambda: company.reactivate_user(admin, FOUNDER)
    )
    refused_without_event(company, NotFoundError, lambda: company.deactivate_user(admin, uuid4()))


@pytest.mark.parametrize("who", ["planner", "viewer", "other company"])
def test_only_an_admin_of_the_company_manages_users(
    company: Company, admin: Actor, who: str
) -> None:
    colleague = joined(company, admin)
    role = {"planner": Role.PLANNER, "viewer": Role.VIEWER}.get(who, Role.ADMIN)
    actor = Actor(uuid4(), uuid4() if who == "other company" else company.id, role)
    commands: list[Callable[[], object]] = [
        lambda: company.change_details(actor, "Other BV", "BE0123456749"),
        lambda: company.invite_user(actor, uuid4(), "x@y.be", Role.ADMIN, utc_now() + WEEK),
        lambda: company.change_role(actor, colleague, Role.ADMIN),
        lambda: company.deactivate_user(actor, colleague),
        lambda: company.reactivate_user(actor, colleague),
    ]
    for command in commands:
        refused_without_event(company, PermissionDeniedError, command)


def test_invitee_who_never_joined_does_not_count_as_the_admin_the_company_keeps(
    company: Company, admin: Actor
) -> None:
    invitee = invited(company, admin, Role.ADMIN)
    for command in (company.deactivate_user, company.reactivate_user):
        with contextlib.suppress(TransitionRefusedError):
            command(admin, invitee)

    assert company.member(invitee).status is not MemberStatus.ACTIVE
    with pytest.raises(TransitionRefusedError):
        company.deactivate_user(admin, FOUNDER)


def test_refused_roster_change_through_the_application_stores_nothing(
    memory_world: World,
) -> None:
    app = memory_world.app
    before = app.recorder.max_notification_id()
    admin = memory_world.customer_admin
    assert admin.user_id is not None

    with pytest.raises(TransitionRefusedError):
        app.deactivate_user(admin, admin.user_id)
    with pytest.raises(PermissionDeniedError):
        app.change_role(memory_world.customer, admin.user_id, Role.VIEWER)

    assert app.recorder.max_notification_id() == before
    assert app.get_company(memory_world.customer_id).active_admins == {admin.user_id}
