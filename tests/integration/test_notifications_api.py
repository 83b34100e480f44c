"""GET /api/notifications and POST /api/notifications/{id}/read over the real projections."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.auth import token_hash
from api.services import Services, build_services
from api.settings import ApiSettings
from betotrace_es.application import Betotrace
from betotrace_es.application.signals import events_recorded
from betotrace_es.domain.values import Actor
from tests.builders import World
from tests.notify_support import BASE_URL, mail_settings, uid


@pytest.fixture
def services(app: Betotrace, tmp_path: Path) -> Iterator[Services]:
    """The API's services with the embedded runner and sender, mail written to a directory.

    The sender polls only every 30 s: within a test, only the signal can wake it.
    """
    settings = ApiSettings(secret_key="test-secret", base_url=BASE_URL)
    mail = replace(mail_settings(tmp_path, 25), smtp_host=None, embedded=True, poll_seconds=30)
    found = build_services(app, settings, mail)
    yield found
    events_recorded.disconnect(found.read.events_recorded, sender=app)
    if found.mail is not None:
        events_recorded.disconnect(found.mail.events_recorded, sender=app)
        found.mail.stop()
    found.read.stop()


@pytest.fixture
def client(services: Services) -> FlaskClient:
    flask_app: Flask = create_app({"TESTING": True}, services=services)
    return flask_app.test_client()


def bearer(services: Services, actor: Actor) -> dict[str, str]:
    token = secrets.token_urlsafe(16)
    assert actor.company_id is not None
    services.state.store_token(token_hash(token), uid(actor), actor.company_id, time.time() + 600)
    return {"Authorization": f"Bearer {token}"}


def wait_for(services: Services, position: int) -> None:
    assert services.read.wait_until(position, 10)


def test_the_other_party_sees_an_unread_notification_with_a_link_and_can_mark_it_read(
    world: World, services: Services, client: FlaskClient
) -> None:
    order = world.request()
    recorded = world.app.accept_order(world.supplier, order.id)
    wait_for(services, recorded.position)
    headers = bearer(services, world.customer)

    page = client.get("/api/notifications", headers=headers).get_json()

    assert page["unread_count"] == 1
    assert page["next_cursor"] is None
    [item] = page["items"]
    assert item["kind"] == "order_accepted"
    assert item["title"] == f"Bestelling {order.number} aanvaard"
    assert item["order_number"] == order.number
    assert item["link"] == f"{BASE_URL}/orders/{order.id}"
    assert item["read"] is False
    assert item["message"] is None  # an acceptance says nothing more

    answer = client.post(f"/api/notifications/{item['id']}/read", headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["read"] is True
    after = client.get("/api/notifications?unread=true", headers=headers).get_json()
    assert after == {"items": [], "next_cursor": None, "unread_count": 0}
    read = client.get("/api/notifications?unread=false", headers=headers).get_json()
    assert [i["id"] for i in read["items"]] == [item["id"]]


def test_the_feed_carries_the_message_the_other_party_wrote(
    world: World, services: Services, client: FlaskClient
) -> None:
    order = world.request()
    recorded = world.app.cancel_order(world.supplier, order.id, "Betonpomp defect — sorry")
    wait_for(services, recorded.position)

    [item] = client.get("/api/notifications", headers=bearer(services, world.customer)).get_json()[
        "items"
    ]

    assert item["kind"] == "order_cancelled"
    assert item["message"] == "Betonpomp defect — sorry"


def test_another_users_notification_is_not_found_and_anonymous_callers_are_refused(
    world: World, services: Services, client: FlaskClient
) -> None:
    recorded = world.app.accept_order(world.supplier, world.request().id)
    wait_for(services, recorded.position)
    mine = client.get("/api/notifications", headers=bearer(services, world.customer)).get_json()
    notification_id = mine["items"][0]["id"]

    other = client.post(
        f"/api/notifications/{notification_id}/read", headers=bearer(services, world.supplier)
    )
    anonymous = client.get("/api/notifications")

    assert other.status_code == 404
    assert other.mimetype == "application/problem+json"
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"


def test_the_feed_pages_newest_first_and_refuses_a_bad_cursor(
    world: World, services: Services, client: FlaskClient
) -> None:
    orders = [world.request() for _ in range(3)]
    recorded = None
    for order in orders:
        recorded = world.app.accept_order(world.supplier, order.id)
    assert recorded is not None
    wait_for(services, recorded.position)
    headers = bearer(services, world.customer)

    first = client.get("/api/notifications?limit=2", headers=headers).get_json()
    second = client.get(
        f"/api/notifications?limit=2&cursor={first['next_cursor']}", headers=headers
    ).get_json()
    bad = client.get("/api/notifications?cursor=nonsense", headers=headers)

    numbers = [i["order_number"] for i in first["items"] + second["items"]]
    assert numbers == [o.number for o in reversed(orders)]
    assert second["next_cursor"] is None
    assert first["unread_count"] == 3
    assert bad.status_code == 422


def test_a_command_wakes_the_embedded_sender_and_the_mail_lands_in_the_mail_directory(
    world: World, services: Services, tmp_path: Path
) -> None:
    order = world.request()
    world.app.accept_order(world.supplier, order.id)
    wanted = f"Subject: Bestelling {order.number} aanvaard"
    deadline = time.monotonic() + 10
    found: list[Path] = []
    while not found and time.monotonic() < deadline:
        time.sleep(0.05)
        found = [p for p in (tmp_path / "mail").glob("*.eml") if wanted in p.read_text()]
    assert len(found) == 1


def test_the_openapi_document_describes_both_endpoints_with_their_statuses(
    client: FlaskClient,
) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]

    listing = paths["/api/notifications"]["get"]
    read = paths["/api/notifications/{notification_id}/read"]["post"]

    assert {"200", "401", "422"} <= set(listing["responses"])
    assert {"unread", "limit", "cursor"} <= {p["name"] for p in listing["parameters"]}
    assert {"200", "401", "404"} <= set(read["responses"])
