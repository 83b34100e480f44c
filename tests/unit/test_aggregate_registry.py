"""Platform-wide uniqueness: claims on names and e-mails, and the yearly order numbers."""

from __future__ import annotations

from typing import TypeVar
from uuid import uuid4

import pytest

from betotrace_es.application import order_numbers
from betotrace_es.domain.base import BetotraceAggregate, by
from betotrace_es.domain.exceptions import TransitionRefusedError, UniquenessError
from betotrace_es.domain.people import Profile
from betotrace_es.domain.registry import (
    OrderNumberSequence,
    UniqueClaim,
    claim_id,
    order_number_sequence_id,
)
from betotrace_es.domain.values import Actor, Address, CompanyKind, Role
from tests.builders import World, belgian_vat

E = TypeVar("E")
OWNER = uuid4()
ACTOR = Actor(uuid4(), uuid4(), Role.ADMIN)
GENT = Address.parse("Port Arthurlaan", "50", "9000", "Gent")


def single_event(aggregate: BetotraceAggregate, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = aggregate.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


@pytest.fixture
def claim() -> UniqueClaim:
    claim = UniqueClaim.claim(ACTOR, "branch-name", "Béton Gent", OWNER)
    claim.collect_events()
    return claim


def test_claim_id_is_the_same_for_names_equal_up_to_case_accents_and_spacing() -> None:
    assert claim_id("branch-name", "Béton  GENT") == claim_id("branch-name", "beton gent")
    assert claim_id("branch-name", "beton gent") != claim_id("user-email", "beton gent")
    assert claim_id("branch-name", "beton gent") != claim_id("branch-name", "beton gent 2")


def test_first_claim_records_the_value_and_its_owner() -> None:
    claim = UniqueClaim.claim(ACTOR, "branch-name", "Béton Gent", OWNER)

    assert claim.id == claim_id("branch-name", "beton gent")
    assert (claim.scope, claim.value, claim.owner_id) == ("branch-name", "Béton Gent", OWNER)
    event = single_event(claim, UniqueClaim.Claimed)
    assert (event.value, event.owner_id, event.actor_user_id) == (
        "Béton Gent",
        OWNER,
        ACTOR.user_id,
    )


def test_owner_releases_and_someone_else_reclaims_the_value(claim: UniqueClaim) -> None:
    newcomer = uuid4()

    claim.release(ACTOR, OWNER)
    assert (claim.value, claim.owner_id) == ("Béton Gent", None)
    assert single_event(claim, UniqueClaim.Released).actor_company_id == ACTOR.company_id

    claim.reclaim(ACTOR, "BETON GENT", newcomer, "public_name")
    assert (claim.value, claim.owner_id) == ("BETON GENT", newcomer)
    event = single_event(claim, UniqueClaim.Reclaimed)
    assert (event.value, event.owner_id) == ("BETON GENT", newcomer)


def test_held_value_cannot_be_reclaimed_by_someone_else(claim: UniqueClaim) -> None:
    with pytest.raises(UniquenessError) as refused:
        claim.reclaim(ACTOR, "beton gent", uuid4(), "public_name")

    assert list(refused.value.errors) == ["public_name"]
    assert (claim.pending_events, claim.owner_id, claim.version) == ([], OWNER, 1)


def test_a_held_value_is_taken_even_for_its_owner(claim: UniqueClaim) -> None:
    with pytest.raises(UniquenessError):
        claim.reclaim(ACTOR, "Béton Gent", OWNER, "public_name")

    assert (claim.pending_events, claim.owner_id, claim.version) == ([], OWNER, 1)


def test_only_the_owner_releases_a_value(claim: UniqueClaim) -> None:
    with pytest.raises(TransitionRefusedError):
        claim.release(ACTOR, uuid4())
    claim.release(ACTOR, OWNER)
    claim.collect_events()
    with pytest.raises(TransitionRefusedError):
        claim.release(ACTOR, OWNER)

    assert (claim.pending_events, claim.version) == ([], 2)


def test_sequence_reserves_consecutive_blocks_of_its_year() -> None:
    sequence = OrderNumberSequence.start(ACTOR, 2026)
    started = single_event(sequence, OrderNumberSequence.Started)

    first, second = sequence.reserve(ACTOR, 3), sequence.reserve(ACTOR, 2)

    assert sequence.id == order_number_sequence_id(2026) != order_number_sequence_id(2027)
    assert started.year == 2026
    assert (list(first), list(second)) == ([1, 2, 3], [4, 5])
    assert [sequence.number(n) for n in (1, 5)] == ["BT-2026-000001", "BT-2026-000005"]
    assert sequence.last == 5
    reserved = [
        e for e in sequence.collect_events() if isinstance(e, OrderNumberSequence.NumbersReserved)
    ]
    assert [(e.first, e.last) for e in reserved] == [(1, 3), (4, 5)]


@pytest.mark.parametrize("count", [0, -1, 1001])
def test_sequence_refuses_an_empty_or_huge_reservation(count: int) -> None:
    sequence = OrderNumberSequence.start(ACTOR, 2026)

    with pytest.raises(ValueError, match="between 1 and 1000"):
        sequence.reserve(ACTOR, count)

    assert sequence.last == 0


def test_sequence_of_a_store_before_blocks_continues_after_its_last_issued_number() -> None:
    sequence = OrderNumberSequence.start(ACTOR, 2026)
    sequence.trigger_event(OrderNumberSequence.NumberIssued, **by(ACTOR), number="BT-2026-000007")

    assert list(sequence.reserve(ACTOR, 2)) == [8, 9]


def test_sequence_replayed_from_its_events_continues_after_the_last_reserved_block(
    memory_world: World,
) -> None:
    app = memory_world.app
    first = memory_world.request()
    app.order_numbers._sequences.clear()  # a restarted process: only the store remembers
    app.order_numbers._free.clear()

    second = memory_world.request()

    assert int(first.number[-6:]) == 1
    assert int(second.number[-6:]) == order_numbers.BLOCK + 1  # the rest of the block is a gap


# -- through the application: claims are saved with their owner ------------------------------


@pytest.mark.parametrize("spelling", ["CENTRALE  ANTWERPEN", "Céntrale Antwerpen"])
def test_public_name_taken_in_any_case_or_accent_is_refused_and_nothing_stored(
    memory_world: World, spelling: str
) -> None:
    app, admin = memory_world.app, memory_world.supplier_admin
    app.register_branch(admin, public_name="Centrale Antwerpen", address=GENT)
    before = app.recorder.max_notification_id()

    with pytest.raises(UniquenessError) as registering:
        app.register_branch(admin, public_name=spelling, address=GENT)
    with pytest.raises(UniquenessError) as renaming:
        app.rename_branch(admin, memory_world.branch_id, spelling)

    assert list(registering.value.errors) == list(renaming.value.errors) == ["public_name"]
    assert app.recorder.max_notification_id() == before


def test_renamed_branch_releases_its_old_name_for_others(memory_world: World) -> None:
    app, admin = memory_world.app, memory_world.supplier_admin
    old = app.get_branch(admin, memory_world.branch_id).public_name

    app.rename_branch(admin, memory_world.branch_id, "Centrale Gent Noord")
    other = app.register_branch(admin, public_name=old.upper(), address=GENT).aggregate

    assert other.public_name == old.upper()
    assert app.claim_holder("branch-name", old) == other.id
    assert app.claim_holder("branch-name", "centrale gent noord") == memory_world.branch_id


def test_email_already_used_by_a_user_is_refused_and_nothing_stored(memory_world: World) -> None:
    app = memory_world.app
    admin = memory_world.customer_admin
    assert admin.user_id is not None
    email = app.get_user(admin, admin.user_id).email
    before = app.recorder.max_notification_id()

    with pytest.raises(UniquenessError) as refused:
        app.register_company(
            Actor.system(),
            kind=CompanyKind.CUSTOMER,
            legal_name="Other BV",
            vat_number=belgian_vat(),
            admin_email=email.upper(),
            admin_profile=Profile.parse(first_name="O", last_name="Ther"),
            admin_password_hash="h",
        )

    assert list(refused.value.errors) == ["admin_email"]
    assert app.recorder.max_notification_id() == before
