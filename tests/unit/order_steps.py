"""Steps shared by the order aggregate's unit tests: take an order somewhere, check a refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import pytest

from betotrace_es.domain.exceptions import DomainError
from betotrace_es.domain.order import Order
from tests.builders import World

E = TypeVar("E")


def single_event(order: Order, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = order.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


def _snapshot(order: Order) -> tuple[Any, ...]:
    """Everything a command could change."""
    return (
        order.version,
        order.status,
        order.pending_proposal,
        order.delivery_at,
        list(order.deliveries),
    )


def refused_without_event(
    order: Order, error: type[DomainError], command: Callable[[], object]
) -> DomainError:
    """The command raises ``error``, records nothing and leaves the order exactly as it was."""
    before = _snapshot(order)
    with pytest.raises(error) as refused:
        command()
    assert order.pending_events == []
    assert _snapshot(order) == before
    return refused.value


def planned(world: World) -> Order:
    """An order the supplier accepted (its events collected)."""
    order = world.request()
    order.accept(world.supplier)
    order.collect_events()
    return order


def proposed(order: Order, world: World, by: str, moment: datetime) -> Order:
    """``order`` with a pending proposal of ``moment`` by the actor named ``by``."""
    order.propose_reschedule(world.actors[by], moment, "later please")
    order.collect_events()
    return order
