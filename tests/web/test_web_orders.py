"""The order screens: the list, the order page, its action box and every command as a form."""

from __future__ import annotations

import re
from uuid import uuid4

from flask.testing import FlaskClient

from betotrace_es.demo import DEMO_PASSWORD
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import Actor, CompanyKind
from betotrace_es.passwords import hash_password
from tests.builders import belgian_vat, unique
from tests.web.conftest import (
    CUSTOMER_PLANNER,
    CUSTOMER_VIEWER,
    SUPPLIER_PLANNER,
    Demo,
    csrf_token,
    log_in,
    order_url,
)


def _box(html: str) -> str:
    found = re.search(r'data-box="(\w+)"', html)
    assert found is not None
    return found.group(1)


def _english(client: FlaskClient) -> None:
    token = csrf_token(client.get("/orders").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "csrf_token": token})


def _command(client: FlaskClient, url: str, command: str, **fields: str) -> str:
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None, f"no command form on {url}"
    data = {"csrf_token": csrf_token(page), "version": version.group(1), **fields}
    response = client.post(f"{url}/{command}", data=data, follow_redirects=True)
    return response.get_data(as_text=True)


def test_the_list_shows_the_companys_orders_with_a_badge(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    _english(client)
    html = client.get("/orders?q=" + order.number).get_data(as_text=True)
    assert order.number in html
    assert "badge-mine" in html
    assert "Awaiting supplier approval" in html


def test_the_action_tab_lists_only_what_waits_for_me(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    log_in(client, CUSTOMER_PLANNER)
    assert order.number not in client.get("/orders?tab=action").get_data(as_text=True)
    assert order.number in client.get("/orders?tab=requested").get_data(as_text=True)


def test_accepting_turns_the_box_blue_and_records_the_history(
    demo: Demo, client: FlaskClient
) -> None:
    order = demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    _english(client)
    url = order_url(order.id)
    assert _box(client.get(url).get_data(as_text=True)) == "orange"
    html = _command(client, url, "accept")
    assert "You accepted the order." in html
    assert _box(html) == "blue"
    assert "Order accepted" in html
    assert "Planned" in html


def test_a_cancellation_without_a_message_shows_the_error_at_the_field(
    demo: Demo, client: FlaskClient
) -> None:
    order = demo.request_order()
    log_in(client, CUSTOMER_PLANNER)
    html = _command(client, order_url(order.id), "cancel", message="")
    assert 'id="error-message"' in html
    assert 'aria-invalid="true"' in html


def test_a_reschedule_in_the_past_is_refused_at_the_field(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    html = _command(
        client, order_url(order.id), "propose_reschedule", date="2020-01-01", time="08:00"
    )
    assert 'id="error-delivery_at"' in html


def test_a_stale_form_is_refused_with_a_message(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    _english(client)
    url = order_url(order.id)
    page = client.get(url).get_data(as_text=True)
    demo.services.app.accept_order(demo.actor(SUPPLIER_PLANNER), order.id)
    data = {"csrf_token": csrf_token(page), "version": "1", "message": "x"}
    html = client.post(f"{url}/cancel", data=data, follow_redirects=True).get_data(as_text=True)
    assert "This order changed meanwhile." in html


def test_a_viewer_sees_the_order_but_no_command(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    log_in(client, CUSTOMER_VIEWER)
    html = client.get(order_url(order.id)).get_data(as_text=True)
    assert order.number in html
    assert "/cancel" not in html


def test_another_companys_order_is_not_found(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    email = f"admin-{uuid4().hex[:8]}@other.example.be"
    demo.services.app.register_company(
        Actor.system(),
        kind=CompanyKind.CUSTOMER,
        legal_name=unique("Andere Bouw BV"),
        vat_number=belgian_vat(),
        admin_email=email,
        admin_profile=Profile.parse(first_name="Olga", last_name="Other"),
        admin_password_hash=hash_password(DEMO_PASSWORD),
    )
    log_in(client, email)
    assert client.get(order_url(order.id)).status_code == 404
    assert order.number not in client.get("/orders").get_data(as_text=True)
    token = csrf_token(client.get("/orders").get_data(as_text=True))
    refused = client.post(
        f"{order_url(order.id)}/cancel", data={"csrf_token": token, "message": "x"}
    )
    assert refused.status_code == 404


def test_the_supplier_plans_a_truck_load_and_assigns_a_driver(
    demo: Demo, client: FlaskClient
) -> None:
    order = demo.request_order()
    demo.services.app.accept_order(demo.actor(SUPPLIER_PLANNER), order.id)
    supplier = demo.actor(SUPPLIER_PLANNER).company_id
    assert supplier is not None
    driver = demo.services.read.settings.drivers(supplier, active_only=True)[0]
    log_in(client, SUPPLIER_PLANNER)
    _english(client)
    url = order_url(order.id)
    html = _command(client, url, "plan_delivery", volume_m3="8", date="", time="")
    assert "The truck load is planned." in html
    html = _command(
        client, url, "assign_driver", delivery_number="1", driver_id=str(driver.driver_id)
    )
    assert "The driver is assigned." in html
    assert "Driver assigned" in html
    assert (
        demo.services.app.get_order(demo.actor(SUPPLIER_PLANNER), order.id).deliveries[0].driver_id
        == driver.driver_id
    )


def test_a_truck_load_without_volume_is_refused_at_the_field(
    demo: Demo, client: FlaskClient
) -> None:
    order = demo.request_order()
    demo.services.app.accept_order(demo.actor(SUPPLIER_PLANNER), order.id)
    log_in(client, SUPPLIER_PLANNER)
    html = _command(client, order_url(order.id), "plan_delivery", volume_m3="0")
    assert 'id="error-volume_m3"' in html
