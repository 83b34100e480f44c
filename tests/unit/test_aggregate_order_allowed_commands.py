"""What a party may do now: the pure rule the UI shows agrees with the aggregate's guards."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from uuid import uuid4

import pytest

from betotrace_es.domain.exceptions import DomainError
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderCommand
from betotrace_es.domain.values import Actor
from tests.builders import World, in_days
from tests.unit.test_aggregate_order_status import STATE_TABLE, planned


def planned_with_a_delivery(world: World) -> Order:
    order = planned(world)
    order.plan_delivery(world.supplier, "8")
    return order


STATES = [row[0] for row in STATE_TABLE] + [planned_with_a_delivery]


def _attempt(command: OrderCommand, order: Order, actor: Actor) -> Callable[[], object]:
    """The command with arguments that only its state and party can refuse."""
    calls: dict[OrderCommand, Callable[[], object]] = {
        OrderCommand.ACCEPT: lambda: order.accept(actor),
        OrderCommand.PROPOSE_RESCHEDULE: lambda: order.propose_reschedule(actor, in_days(9)),
        OrderCommand.ACCEPT_PROPOSAL: lambda: order.accept_proposal(actor),
        OrderCommand.DECLINE_PROPOSAL: lambda: order.decline_proposal(actor),
        OrderCommand.PLAN_DELIVERY: lambda: order.plan_delivery(actor, "8"),
        OrderCommand.ASSIGN_DRIVER: lambda: order.assign_driver(actor, 1, uuid4()),
        OrderCommand.FINISH: lambda: order.finish(actor),
        OrderCommand.CANCEL: lambda: order.cancel(actor, "not needed"),
    }
    return calls[command]


def _succeeds(order: Order, command: OrderCommand, actor: Actor) -> bool:
    trial = deepcopy(order)
    try:
        _attempt(command, trial, actor)()
    except DomainError:
        return False
    return True


@pytest.mark.parametrize("make", STATES, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "who",
    [
        "supplier_planner",
        "supplier_admin",
        "supplier_viewer",
        "customer_planner",
        "customer_viewer",
    ],
)
def test_allowed_commands_are_exactly_those_the_order_accepts(
    memory_world: World, make: Callable[[World], Order], who: str
) -> None:
    order = make(memory_world)
    order.collect_events()
    actor = memory_world.actors[who]
    allowed = order.allowed_commands(actor)
    for command in OrderCommand:
        assert (command in allowed) == _succeeds(order, command, actor), command


def test_an_outsider_may_do_nothing(memory_world: World) -> None:
    order = memory_world.request()
    assert order.allowed_commands(Actor(uuid4(), uuid4(), memory_world.supplier.role)) == set()
