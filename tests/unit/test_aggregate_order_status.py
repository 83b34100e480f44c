"""The order state table: who must act next and the label shown, in every state."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus, Proposal, status_label
from betotrace_es.domain.values import Party
from tests.builders import World, in_days


def requested(world: World) -> Order:
    return world.request()


def requested_with_supplier_proposal(world: World) -> Order:
    order = world.request()
    order.propose_reschedule(world.supplier, in_days(5))
    return order


def requested_with_customer_counter_proposal(world: World) -> Order:
    order = requested_with_supplier_proposal(world)
    order.propose_reschedule(world.customer, in_days(6))
    return order


def planned(world: World) -> Order:
    order = world.request()
    order.accept(world.supplier)
    return order


def planned_with_supplier_proposal(world: World) -> Order:
    order = planned(world)
    order.propose_reschedule(world.supplier, in_days(5))
    return order


def planned_with_customer_proposal(world: World) -> Order:
    order = planned(world)
    order.propose_reschedule(world.customer, in_days(5))
    return order


def finished(world: World) -> Order:
    order = planned(world)
    order.finish(world.supplier)
    return order


def cancelled(world: World) -> Order:
    order = requested_with_supplier_proposal(world)
    order.cancel(world.customer, "no longer needed")
    return order


AWAIT_SUPPLIER = {
    "nl": "Wachten op goedkeuring leverancier",
    "en": "Awaiting supplier approval",
    "fr": "En attente de l'approbation du fournisseur",
}
AWAIT_CUSTOMER = {
    "nl": "Wachten op goedkeuring klant",
    "en": "Awaiting customer approval",
    "fr": "En attente de l'approbation du client",
}
STATE_TABLE: list[tuple[Callable[[World], Order], OrderStatus, Party | None, dict[str, str]]] = [
    (requested, OrderStatus.REQUESTED, Party.SUPPLIER, AWAIT_SUPPLIER),
    (requested_with_supplier_proposal, OrderStatus.REQUESTED, Party.CUSTOMER, AWAIT_CUSTOMER),
    (
        requested_with_customer_counter_proposal,
        OrderStatus.REQUESTED,
        Party.SUPPLIER,
        AWAIT_SUPPLIER,
    ),
    (planned, OrderStatus.PLANNED, None, {"nl": "Gepland", "en": "Planned", "fr": "Planifiée"}),
    (planned_with_supplier_proposal, OrderStatus.PLANNED, Party.CUSTOMER, AWAIT_CUSTOMER),
    (planned_with_customer_proposal, OrderStatus.PLANNED, Party.SUPPLIER, AWAIT_SUPPLIER),
    (
        finished,
        OrderStatus.FINISHED,
        None,
        {"nl": "Afgewerkt", "en": "Finished", "fr": "Terminée"},
    ),
    (
        cancelled,
        OrderStatus.CANCELLED,
        None,
        {"nl": "Geannuleerd", "en": "Cancelled", "fr": "Annulée"},
    ),
]


@pytest.mark.parametrize(
    ("make", "status", "actor_needed", "labels"),
    STATE_TABLE,
    ids=[row[0].__name__ for row in STATE_TABLE],
)
def test_state_table_gives_action_needed_by_and_labels(
    memory_world: World,
    make: Callable[[World], Order],
    status: OrderStatus,
    actor_needed: Party | None,
    labels: dict[str, str],
) -> None:
    order = make(memory_world)

    assert order.status is status
    assert order.action_needed_by is actor_needed
    assert {lang: order.status_label(lang) for lang in labels} == labels


@pytest.mark.parametrize(
    ("make", "status", "actor_needed", "labels"),
    STATE_TABLE,
    ids=[row[0].__name__ for row in STATE_TABLE],
)
def test_replaying_the_stored_events_gives_the_live_state(
    memory_world: World,
    make: Callable[[World], Order],
    status: OrderStatus,
    actor_needed: Party | None,
    labels: dict[str, str],
) -> None:
    app = memory_world.app
    live = make(memory_world)
    app.record(live)

    replayed = app.get_order(memory_world.supplier, live.id)

    assert vars(replayed) == vars(live)
    assert (replayed.status, replayed.action_needed_by) == (status, actor_needed)


def test_unknown_language_falls_back_to_english() -> None:
    pending = Proposal(in_days(2), Party.CUSTOMER, "")

    assert status_label(OrderStatus.PLANNED, None, "de") == "Planned"
    assert status_label(OrderStatus.PLANNED, pending, "de") == "Awaiting supplier approval"


@pytest.mark.parametrize("status", [OrderStatus.FINISHED, OrderStatus.CANCELLED])
def test_final_states_need_no_action_even_with_a_stale_proposal(status: OrderStatus) -> None:
    pending = Proposal(in_days(2), Party.SUPPLIER, "")

    assert status.is_final
    assert status_label(status, pending, "en") == status.value.title()
