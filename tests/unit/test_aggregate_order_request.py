"""Order.request: a customer asks an active branch for a product it delivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from betotrace_es.domain.base import utc_now
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue
from betotrace_es.domain.company import Company
from betotrace_es.domain.exceptions import (
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order import Order, order_id
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Actor, Party, Role
from tests.builders import PRODUCT_CODE, World, a_placement, a_site, in_days

NUMBER = "BT-2026-000042"


@dataclass
class Parts:
    """What an order request needs: the customer company, the branch and its catalogue."""

    world: World
    customer: Company
    branch: Branch
    catalogue: Catalogue

    def request(self, actor: Actor | None = None, **overrides: Any) -> Order:
        kwargs: dict[str, Any] = {
            "actor": actor or self.world.customer,
            "number": NUMBER,
            "customer": self.customer,
            "branch": self.branch,
            "catalogue": self.catalogue,
            "product_code": PRODUCT_CODE,
            "quantity_m3": "12.500",
            "delivery_at": in_days(3),
            "placement": a_placement(),
            "site": a_site(),
            "customer_reference": "PO-4711",
        }
        kwargs.update(overrides)
        return Order.request(**kwargs)


@pytest.fixture
def parts(memory_world: World) -> Parts:
    app, system = memory_world.app, Actor.system()
    return Parts(
        world=memory_world,
        customer=app.get_company(memory_world.customer_id),
        branch=app.get_branch(system, memory_world.branch_id),
        catalogue=app.get_catalogue(memory_world.supplier_id),
    )


def test_customer_planner_requests_an_order_that_awaits_the_supplier(parts: Parts) -> None:
    moment = in_days(3)
    order = parts.request(delivery_at=moment, pour_rate_m3_per_h="30", remarks="bring a pump")

    assert order.id == order_id(NUMBER)
    assert order.status is OrderStatus.REQUESTED
    assert order.action_needed_by is Party.SUPPLIER
    assert order.quantity_m3 == Decimal("12.5")
    assert order.pour_rate_m3_per_h == Decimal(30)
    assert order.product.code == PRODUCT_CODE
    assert order.product.spec == parts.catalogue.product(PRODUCT_CODE).spec
    events = order.collect_events()
    assert [type(e) for e in events] == [Order.Requested]
    event = events[0]
    assert isinstance(event, Order.Requested)
    assert event.actor_user_id == parts.world.customer.user_id
    assert event.actor_company_id == parts.world.customer_id
    assert event.requested_by == parts.world.customer.user_id
    assert event.supplier_id == parts.world.supplier_id
    assert event.branch_id == parts.world.branch_id
    assert event.delivery_at == moment
    assert event.customer_reference == "PO-4711"
    assert event.remarks == "bring a pump"


def test_customer_admin_may_request_an_order(parts: Parts) -> None:
    order = parts.request(parts.world.actors["customer_admin"])

    assert order.requested_by == parts.world.customer_admin.user_id


def test_customer_viewer_cannot_request_an_order(parts: Parts) -> None:
    with pytest.raises(PermissionDeniedError):
        parts.request(parts.world.actors["customer_viewer"])


@pytest.mark.parametrize("who", ["supplier_admin", "supplier_planner"])
def test_supplier_user_cannot_request_an_order(parts: Parts, who: str) -> None:
    supplier = parts.world.app.get_company(parts.world.supplier_id)

    with pytest.raises(PermissionDeniedError):
        parts.request(parts.world.actors[who], customer=supplier)


def test_user_of_another_company_cannot_request_in_the_customers_name(parts: Parts) -> None:
    stranger = Actor(uuid4(), uuid4(), Role.ADMIN)

    with pytest.raises(PermissionDeniedError):
        parts.request(stranger)


def test_closed_branch_takes_no_orders(parts: Parts) -> None:
    parts.branch.close(parts.world.supplier_admin)

    with pytest.raises(TransitionRefusedError, match="closed"):
        parts.request()


def test_product_the_branch_does_not_deliver_is_refused(parts: Parts) -> None:
    with pytest.raises(ValidationError) as refused:
        parts.request(product_code="C30/37-XC4-S4")

    assert list(refused.value.errors) == ["product_code"]


def test_product_no_longer_sold_is_refused(parts: Parts) -> None:
    parts.catalogue.deactivate_product(parts.world.supplier_admin, PRODUCT_CODE)

    with pytest.raises(ValidationError) as refused:
        parts.request()

    assert list(refused.value.errors) == ["product_code"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"delivery_at": in_days(-1)}, "delivery_at"),
        ({"delivery_at": datetime(2099, 1, 1, 7, 0)}, "delivery_at"),
        ({"quantity_m3": "0"}, "quantity_m3"),
        ({"quantity_m3": "1.2345"}, "quantity_m3"),
        ({"pour_rate_m3_per_h": "-5"}, "pour_rate_m3_per_h"),
        ({"customer_reference": "x" * 201}, "customer_reference"),
        ({"remarks": "x" * 4001}, "remarks"),
    ],
)
def test_invalid_request_field_is_refused_naming_it(
    parts: Parts, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        parts.request(**overrides)

    assert list(refused.value.errors) == [field]


def test_every_invalid_field_is_reported_at_once(parts: Parts) -> None:
    with pytest.raises(ValidationError) as refused:
        parts.request(quantity_m3="-1", delivery_at=utc_now() - timedelta(hours=1))

    assert set(refused.value.errors) == {"quantity_m3", "delivery_at"}


def test_request_through_the_application_records_the_order_with_the_next_number(
    memory_world: World,
) -> None:
    app = memory_world.app
    before = app.recorder.max_notification_id() or 0

    first = memory_world.request()
    second = memory_world.request()

    assert first.number.endswith("-000001")
    assert second.number.endswith("-000002")
    stored = list(app.events.get(first.id))
    assert [type(e) for e in stored] == [Order.Requested]
    assert (app.recorder.max_notification_id() or 0) > before


def test_refused_request_records_nothing_and_consumes_no_number(memory_world: World) -> None:
    app = memory_world.app
    before = app.recorder.max_notification_id()

    with pytest.raises(ValidationError):
        memory_world.request(days=-1)
    with pytest.raises(PermissionDeniedError):
        app.request_order(
            memory_world.actors["customer_viewer"],
            branch_id=memory_world.branch_id,
            product_code=PRODUCT_CODE,
            quantity_m3="5",
            delivery_at=in_days(2),
            placement=a_placement(),
            site=a_site(),
        )

    assert app.recorder.max_notification_id() == before
    assert memory_world.request().number.endswith("-000001")
