"""The real app served over real HTTP on 127.0.0.1, with two worlds and a token per user."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from api import create_app
from api.auth import token_hash
from api.services import Services, build_services
from api.settings import ApiSettings
from betotrace_es.application import Betotrace
from betotrace_es.domain.values import Actor
from tests.builders import PRODUCT_CODE, World, build_world
from tests.e2e.http_client import Answer, Http

ROLES = ("admin", "planner", "viewer")
SIDES = ("supplier", "customer")


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """``app`` on a free port of 127.0.0.1 in a daemon thread; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for the loop to look again (0.5 s by default).
    thread = threading.Thread(
        target=server.serve_forever, args=(0.02,), name="e2e-http", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def live_services(env: dict[str, str], **settings: Any) -> Iterator[tuple[Services, Flask]]:
    """The application on ``env``, its read models and the Flask app; closed afterwards."""
    application = Betotrace(env=env)
    found = build_services(
        application, ApiSettings(secret_key=secrets.token_urlsafe(32), **settings)
    )
    try:
        yield found, create_app(services=found)
    finally:
        found.close()


def bearer_token(found: Services, actor: Actor) -> str:
    """A new bearer token of ``actor``'s user, valid for an hour."""
    assert actor.user_id is not None
    assert actor.company_id is not None
    issued = secrets.token_urlsafe(32)
    found.state.store_token(token_hash(issued), actor.user_id, actor.company_id, time.time() + 3600)
    return issued


def when(days: float) -> str:
    """An ISO moment ``days`` from now, with its offset."""
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def order_request(branch_id: str, product_code: str, delivery_at: str) -> dict[str, Any]:
    """A valid ``POST /api/orders`` body (also what scripts/bench_api.py sends)."""
    return {
        "branch_id": branch_id,
        "product_code": product_code,
        "quantity_m3": "12.5",
        "delivery_at": delivery_at,
        "pour_method": "pump",
        "element": "floor slab",
        "power_lines_nearby": False,
        "site": {
            "name": "Residentie Zonneveld",
            "address": {
                "street": "Kortrijksesteenweg",
                "number": "12",
                "postal_code": "9000",
                "city": "Gent",
            },
            "contact_name": "Jan Janssens",
            "contact_phone": "0470 12 34 56",
        },
        "customer_reference": "PO-4711",
    }


def order_body(world: World, days: float = 3, **overrides: Any) -> dict[str, Any]:
    """A valid order request to ``world``'s branch."""
    return {**order_request(str(world.branch_id), PRODUCT_CODE, when(days)), **overrides}


@dataclass
class LiveApi:
    """The served API, our two companies (``own``) and a pair of strangers (``other``)."""

    http: Http
    services: Services
    own: World
    other: World
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, side: str, role: str = "planner", company: str = "own") -> str:
        """A bearer token of that user, e.g. ``token("customer", "viewer", "other")``."""
        key = f"{company}:{side}_{role}"
        if key not in self.tokens:
            world = self.own if company == "own" else self.other
            self.tokens[key] = bearer_token(self.services, world.actors[f"{side}_{role}"])
        return self.tokens[key]

    def request_order(self, company: str = "own", **overrides: Any) -> dict[str, Any]:
        """A fresh requested order, sent over HTTP by the customer's planner."""
        world = self.own if company == "own" else self.other
        answer = self.http.post(
            "/api/orders", self.token("customer", company=company), order_body(world, **overrides)
        )
        assert answer.status == 201, answer.body
        order: dict[str, Any] = answer.json
        return order

    def order(self, order_id: str, side: str, **kwargs: Any) -> Answer:
        """GET the order as that side's planner."""
        return self.http.get(f"/api/orders/{order_id}", self.token(side), **kwargs)

    def history(self, order_id: str, side: str = "customer") -> list[str]:
        """The event types of the order's history, as that side sees them."""
        answer = self.http.get(f"/api/orders/{order_id}/history", self.token(side))
        assert answer.status == 200, answer.body
        return [event["type"] for event in answer.json["events"]]


@contextmanager
def live_api(env: dict[str, str], **settings: Any) -> Iterator[LiveApi]:
    """Serve the API on ``env`` with two worlds built in it."""
    with live_services(env, **settings) as (found, app), served(app) as base_url:
        yield LiveApi(
            Http(base_url, read_your_writes=True),
            found,
            build_world(found.app),
            build_world(found.app),
        )
