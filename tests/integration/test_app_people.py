"""Users and invitations, the last admin, contact persons and drivers of a supplier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.application.claims import USER_EMAILS
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.company import MemberStatus
from betotrace_es.domain.exceptions import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.people import ContactDetails
from betotrace_es.domain.values import Actor, Address, Role
from tests.builders import PRODUCT_CODE, World, build_world, in_days, unique


def last_position(app: Betotrace) -> int:
    """The highest notification id in the store (0 when empty)."""
    return app.recorder.max_notification_id() or 0


def an_email(side: str = "supplier") -> str:
    """A fresh e-mail address."""
    return f"user-{uuid4().hex[:8]}@{side}.example.be"


def user_of(actor: Actor) -> UUID:
    """The id of the actor's user (every actor here is a user)."""
    assert actor.user_id is not None
    return actor.user_id


def member_status(app: Betotrace, company_id: UUID, user_id: UUID) -> MemberStatus:
    """Where the user stands in the company's roster."""
    return app.get_company(company_id).member(user_id).status


def test_invited_colleague_becomes_an_active_member_once(world: World) -> None:
    app, admin = world.app, world.supplier_admin
    email = an_email()
    invited = app.invite_user(admin, email, Role.PLANNER).aggregate
    assert member_status(app, world.supplier_id, invited.id) is MemberStatus.INVITED

    joined = app.accept_invitation(
        invited.id, first_name="Sofie", last_name="Mertens", password_hash="h1"
    ).aggregate

    assert member_status(app, world.supplier_id, invited.id) is MemberStatus.ACTIVE
    assert app.get_company(world.supplier_id).member(invited.id).role is Role.PLANNER
    assert (joined.full_name, joined.password_hash) == ("Sofie Mertens", "h1")
    found = app.user_by_email(email.upper())  # addresses are unique case-insensitively
    assert found is not None
    assert found.id == invited.id
    before = last_position(app)
    with pytest.raises(TransitionRefusedError, match="already been used"):
        app.accept_invitation(invited.id, first_name="X", last_name="Y", password_hash="h2")
    assert last_position(app) == before
    assert app.get_user(admin, invited.id).password_hash == "h1"


def test_expired_invitation_is_refused_until_renewed(world: World) -> None:
    app, admin = world.app, world.customer_admin
    email = an_email("customer")
    invited = app.invite_user(admin, email, Role.VIEWER).aggregate
    before = last_position(app)

    with pytest.raises(TransitionRefusedError, match="expired"):
        app.accept_invitation(
            invited.id, first_name="Tom", last_name="Dierckx", password_hash="h", now=in_days(8)
        )
    assert last_position(app) == before
    assert member_status(app, world.customer_id, invited.id) is MemberStatus.INVITED

    renewed = app.invite_user(admin, email, Role.PLANNER, now=in_days(8)).aggregate
    assert renewed.id == invited.id
    app.accept_invitation(
        invited.id, first_name="Tom", last_name="Dierckx", password_hash="h", now=in_days(9)
    )
    member = app.get_company(world.customer_id).member(invited.id)
    assert (member.status, member.role) == (MemberStatus.ACTIVE, Role.PLANNER)


def test_email_already_used_on_the_platform_cannot_be_invited(world: World) -> None:
    app = world.app
    used = app.get_user(world.customer_admin, user_of(world.customer_admin)).email
    local, _, domain = used.partition("@")
    before = last_position(app)

    for admin in (world.customer_admin, world.supplier_admin):
        with pytest.raises(ValidationError, match="already has an account") as refused:
            app.invite_user(admin, f"{local}@{domain.upper()}", Role.VIEWER)
        assert "email" in refused.value.errors
    assert last_position(app) == before


def test_only_admins_invite_and_nobody_accepts_an_unknown_invitation(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        world.app.invite_user(world.supplier, an_email(), Role.VIEWER)
    taken = world.app.get_user(world.customer_admin, user_of(world.customer_admin)).email
    for not_admin in (world.supplier, world.actors["supplier_viewer"]):
        # the same refusal for an address with an account elsewhere: nothing is given away
        with pytest.raises(PermissionDeniedError):
            world.app.invite_user(not_admin, taken, Role.VIEWER)
    with pytest.raises(NotFoundError):
        world.app.accept_invitation(uuid4(), first_name="A", last_name="B", password_hash="h")


def test_company_always_keeps_an_active_admin(world: World) -> None:
    app, founder = world.app, world.supplier_admin
    founder_id = user_of(founder)
    before = last_position(app)
    with pytest.raises(TransitionRefusedError, match="at least one active admin"):
        app.deactivate_user(founder, founder_id)
    with pytest.raises(TransitionRefusedError, match="at least one active admin"):
        app.change_role(founder, founder_id, Role.PLANNER)
    assert last_position(app) == before

    planner_id = user_of(world.supplier)
    app.change_role(founder, planner_id, Role.ADMIN)
    app.change_role(founder, founder_id, Role.VIEWER)
    second_admin = Actor(planner_id, world.supplier_id, Role.ADMIN)

    with pytest.raises(TransitionRefusedError, match="at least one active admin"):
        app.deactivate_user(second_admin, planner_id)
    assert app.get_company(world.supplier_id).active_admins == {planner_id}


def test_invited_admin_does_not_count_as_the_active_admin(world: World) -> None:
    app, founder = world.app, world.customer_admin
    app.invite_user(founder, an_email("customer"), Role.ADMIN)

    with pytest.raises(TransitionRefusedError, match="at least one active admin"):
        app.deactivate_user(founder, user_of(founder))


def contact(app: Betotrace, admin: Actor, branches: list[UUID], default: list[UUID]) -> UUID:
    """Register a contact person for ``branches``, default for ``default``."""
    details = ContactDetails.parse(
        first_name="Karen", last_name=unique("Goossens"), email=an_email()
    )
    return app.register_contact(admin, details, branches, default).aggregate.id


def second_branch(world: World) -> Branch:
    """Another branch of the world's supplier."""
    return world.app.register_branch(
        world.supplier_admin,
        public_name=unique("Centrale Brugge"),
        address=Address.parse("Kustlaan", "1", "8000", "Brugge"),
        products=[PRODUCT_CODE],
    ).aggregate


def test_making_a_contact_the_default_takes_the_role_from_the_previous_one(
    world: World,
) -> None:
    app, admin, branch_id = world.app, world.supplier_admin, world.branch_id
    first = contact(app, admin, [branch_id], [branch_id])
    assert app.get_branch(admin, branch_id).default_contact_id == first

    second = contact(app, admin, [branch_id], [branch_id])
    assert app.get_branch(admin, branch_id).default_contact_id == second

    app.change_contact(admin, first, default_for_branch_ids=[branch_id])
    assert app.get_branch(admin, branch_id).default_contact_id == first
    app.change_contact(admin, first, default_for_branch_ids=[])
    assert app.get_branch(admin, branch_id).default_contact_id is None


def test_contact_removed_from_a_branch_is_no_longer_its_default(world: World) -> None:
    app, admin = world.app, world.supplier_admin
    other = second_branch(world)
    person = contact(app, admin, [world.branch_id, other.id], [world.branch_id, other.id])

    app.change_contact(admin, person, branch_ids=[other.id])

    assert app.get_branch(admin, world.branch_id).default_contact_id is None
    assert app.get_branch(admin, other.id).default_contact_id == person
    assert app.get_contact(admin, person).branch_ids == (other.id,)


def test_contact_default_must_be_one_of_its_own_branches(world: World) -> None:
    app, admin = world.app, world.supplier_admin
    other = second_branch(world)
    rival = build_world(app)
    before = last_position(app)

    with pytest.raises(ValidationError) as not_its_branch:
        contact(app, admin, [world.branch_id], [other.id])
    with pytest.raises(ValidationError, match="not one of your branches"):
        contact(app, admin, [rival.branch_id], [])

    assert "default_for_branch_ids" in not_its_branch.value.errors
    assert last_position(app) == before


def test_invitations_racing_on_the_company_are_a_conflict_not_a_taken_email(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, admin = world.app, world.supplier_admin
    mine, theirs = an_email(), an_email()
    claim: Callable[..., Any] = app.claim
    raced: list[bool] = []

    def claim_while_a_colleague_invites(*args: Any, **kwargs: Any) -> Any:
        claimed = claim(*args, **kwargs)
        if not raced:  # once: a colleague's invitation is saved after we loaded the company
            raced.append(True)
            app.invite_user(admin, theirs, Role.VIEWER)
        return claimed

    monkeypatch.setattr(app, "claim", claim_while_a_colleague_invites)

    with pytest.raises(ConflictError):
        app.invite_user(admin, mine, Role.PLANNER)
    assert app.claim_holder(USER_EMAILS, mine) is None
