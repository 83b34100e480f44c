"""The demo's order workflows end to end, a supplier planner and a customer site manager side by side."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.builders import in_days
from tests.web.browser import DESKTOP, PHONE, Session, expect_order
from tests.web.conftest import CUSTOMER_PLANNER, SUPPLIER_PLANNER, Demo, order_url

AWAIT_SUPPLIER = "Awaiting supplier approval"
AWAIT_CUSTOMER = "Awaiting customer approval"


@pytest.fixture
def supplier(browser: Browser, live_server: str) -> Iterator[Session]:
    """The supplier's planner at a desktop."""
    session = Session(browser, live_server, SUPPLIER_PLANNER, DESKTOP)
    yield session
    session.close()


@pytest.fixture
def customer(browser: Browser, live_server: str) -> Iterator[Session]:
    """The customer's site manager on a phone."""
    session = Session(browser, live_server, CUSTOMER_PLANNER, PHONE)
    yield session
    session.close()


def _propose(page: Page, summary: str, days: int, message: str) -> None:
    page.locator("summary", has_text=summary).click()
    moment = in_days(days) + timedelta(hours=2)
    page.fill("#reschedule-date", moment.date().isoformat())
    page.fill("#reschedule-time", "07:30")
    page.fill("#reschedule-message", message)
    page.get_by_role("button", name="Send the proposal").click()


def _expect_notified(session: Session, number: str) -> None:
    """The header counts at least one unread notification; the Notifications page names the order."""
    badge = session.open("/orders").locator("#unread-count .unread-badge")
    expect(badge).to_have_text(re.compile(r"^[1-9][0-9]*$"))
    session.page.locator("#unread-count").click()
    expect(session.page.locator("h1")).to_have_text("Notifications")
    expect(session.page.locator(".notice-unread").first).to_contain_text(number)


def test_request_then_accept(demo: Demo, supplier: Session, customer: Session) -> None:
    order = demo.request_order()
    url = order_url(order.id)
    expect_order(
        customer.open(url), box="blue", status=AWAIT_SUPPLIER, timeline=["Order requested"]
    )
    _expect_notified(supplier, order.number)
    supplier.screenshot("notifications-supplier")
    page = supplier.open(url)
    expect_order(page, box="orange", status=AWAIT_SUPPLIER, timeline=["Order requested"])
    supplier.screenshot("order-page-supplier-action-needed")
    page.locator("summary", has_text="Accept order").click()
    page.get_by_role("button", name="Yes, accept order").click()
    expect_order(page, box="blue", status="Planned", timeline=["Order accepted"])
    customer.page.reload()
    expect_order(customer.page, box="blue", status="Planned", timeline=["Order accepted"])
    customer.screenshot("order-page-phone-375")
    demo.services.read.wait_until(demo.services.app.recorder.max_notification_id() or 0, 5)
    _expect_notified(customer, order.number)
    assert customer.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    customer.screenshot("notifications-phone-375")


def test_supplier_reschedules_and_customer_accepts(
    demo: Demo, supplier: Session, customer: Session
) -> None:
    order = demo.request_order()
    demo.services.app.accept_order(demo.actor(SUPPLIER_PLANNER), order.id)
    url = order_url(order.id)
    _propose(supplier.open(url), "Propose a new delivery moment", 6, "Plant maintenance")
    expect_order(
        supplier.page, box="blue", status=AWAIT_CUSTOMER, timeline=["New delivery moment proposed"]
    )
    page = customer.open(url)
    expect_order(page, box="orange", status=AWAIT_CUSTOMER, timeline=["Plant maintenance"])
    page.get_by_role("button", name="Accept the proposed moment").click()
    expect_order(page, box="blue", status="Planned", timeline=["New delivery moment accepted"])
    supplier.page.reload()
    expect_order(
        supplier.page, box="blue", status="Planned", timeline=["New delivery moment accepted"]
    )


def test_customer_proposes_supplier_counters_customer_accepts(
    demo: Demo, supplier: Session, customer: Session
) -> None:
    order = demo.request_order()
    demo.services.app.accept_order(demo.actor(SUPPLIER_PLANNER), order.id)
    url = order_url(order.id)
    _propose(customer.open(url), "Propose a new delivery moment", 7, "Formwork is late")
    expect_order(customer.page, box="blue", status=AWAIT_SUPPLIER, timeline=["Formwork is late"])
    _propose(supplier.open(url), "Counter-propose", 8, "We can come a day later")
    expect_order(
        supplier.page, box="blue", status=AWAIT_CUSTOMER, timeline=["We can come a day later"]
    )
    customer.page.reload()
    expect_order(
        customer.page, box="orange", status=AWAIT_CUSTOMER, timeline=["We can come a day later"]
    )
    customer.page.get_by_role("button", name="Accept the proposed moment").click()
    expect_order(
        customer.page, box="blue", status="Planned", timeline=["New delivery moment accepted"]
    )
    supplier.page.reload()
    expect_order(
        supplier.page, box="blue", status="Planned", timeline=["New delivery moment accepted"]
    )


def test_supplier_finishes(demo: Demo, supplier: Session, customer: Session) -> None:
    order = demo.request_order()
    demo.services.app.accept_order(demo.actor(SUPPLIER_PLANNER), order.id)
    url = order_url(order.id)
    page = supplier.open(url)
    page.locator("summary", has_text="Finish order").click()
    page.get_by_role("button", name="Yes, finish order").click()
    expect_order(page, box="blue", status="Finished", timeline=["Order finished"])
    expect_order(customer.open(url), box="blue", status="Finished", timeline=["Order finished"])


def test_customer_cancels_with_a_message(demo: Demo, supplier: Session, customer: Session) -> None:
    order = demo.request_order()
    url = order_url(order.id)
    page = customer.open(url)
    page.locator("summary", has_text="Cancel order").click()
    page.fill("#cancel-message", "The site is not ready")
    page.get_by_role("button", name="Yes, cancel order").click()
    expect_order(
        page, box="blue", status="Cancelled", timeline=["Order cancelled", "The site is not ready"]
    )
    expect_order(
        supplier.open(url), box="blue", status="Cancelled", timeline=["The site is not ready"]
    )
