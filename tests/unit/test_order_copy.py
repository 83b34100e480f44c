"""The copy an order command starts from shares nothing that a command could change."""

from __future__ import annotations

from copy import deepcopy

from betotrace_es.domain.order import Order
from tests.builders import World, in_days


def an_order_with_everything(world: World) -> Order:
    app, supplier, customer = world.app, world.supplier, world.customer
    order = world.request()
    app.accept_order(supplier, order.id)
    app.plan_delivery(supplier, order.id, "8")
    app.plan_delivery(supplier, order.id, "4.5", in_days(3))
    app.propose_reschedule(customer, order.id, in_days(4), "crane booked later")
    return app.get_order(supplier, order.id)


def test_every_value_an_order_holds_is_immutable_or_copied(memory_world: World) -> None:
    order = an_order_with_everything(memory_world)
    copy = deepcopy(order)

    for name, value in vars(order).items():
        if isinstance(value, list):
            assert getattr(copy, name) == value
            assert getattr(copy, name) is not value, name
        else:
            hash(value)  # raises for anything mutable (dicts, sets, unfrozen dataclasses)
            assert getattr(copy, name) is value, name


def test_a_command_on_the_copy_leaves_the_original_as_it_was(memory_world: World) -> None:
    order = an_order_with_everything(memory_world)
    before = deepcopy(vars(order))
    copy = deepcopy(order)

    copy.accept_proposal(memory_world.supplier)
    copy.plan_delivery(memory_world.supplier, "2")

    assert vars(order) == before
    assert len(copy.deliveries) == len(order.deliveries) + 1
    assert copy.version == order.version + 2
    assert order.pending_events == []
