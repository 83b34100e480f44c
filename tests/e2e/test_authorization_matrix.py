"""Who may call what: every route of the app × role × side × own or other company.

The routes come from the app's own URL map, so a new endpoint without a line in ``EXPECTED``
fails this test. In this order: no token → 401; a resource family of the other side (a
customer asking for /api/branches), or a colleague's account for a non-admin, → 403; a resource
of another company → 404, whatever the
caller's role (its existence is not revealed: the same answer as for an id that does not exist);
a role or side without the permission → 403; otherwise the endpoint's success status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.services import Services
from betotrace_es.passwords import hash_password
from tests.builders import World, build_world, unique
from tests.e2e.live import ROLES, SIDES, bearer_token, live_services, order_body, when
from tests.e2e.targets import Targets

EVERYONE = frozenset((side, role) for side in SIDES for role in ROLES)
PLANNERS = frozenset((side, role) for side in SIDES for role in ("admin", "planner"))
ADMINS = frozenset((side, "admin") for side in SIDES)
SUPPLIERS = frozenset(("supplier", role) for role in ROLES)
SUPPLIER_PLANNERS = frozenset(("supplier", role) for role in ("admin", "planner"))
SUPPLIER_ADMIN = frozenset({("supplier", "admin")})
CUSTOMERS = frozenset(("customer", role) for role in ROLES)
CUSTOMER_PLANNERS = frozenset(("customer", role) for role in ("admin", "planner"))
PASSWORD = "a long enough password"

# What a request needs: path values and a JSON body, made for a caller of ``side`` with
# ``targets`` in the world of the resource (owned endpoints) or of the caller (the others).
Prepare = Callable[[Targets, str], tuple[dict[str, Any], Any]]


@dataclass(frozen=True)
class Expected:
    """Who may call an endpoint, whether it names a company's resource, and its success."""

    allowed: frozenset[tuple[str, str]]
    success: int
    prepare: Prepare
    owned: bool = False
    public: bool = False
    side_only: str | None = None  # the resources of one side only (/api/drivers: suppliers')
    role_first: bool = False  # the role is checked before the resource is looked for
    personal: bool = False  # one user's (the own side's admin): anyone else's is not found


def nothing(_targets: Targets, _side: str) -> tuple[dict[str, Any], Any]:
    """No path values, no body."""
    return {}, None


def body(value: Callable[[Targets, str], Any]) -> Prepare:
    """Only a body."""
    return lambda targets, side: ({}, value(targets, side))


def order(state: str, value: Callable[[Targets, str], Any] = lambda _t, _s: None) -> Prepare:
    """An order in ``state`` ("{other}" is the side that is not calling), and a body."""

    def prepare(targets: Targets, side: str) -> tuple[dict[str, Any], Any]:
        other = "customer" if side == "supplier" else "supplier"
        return {"order_id": targets.order(state.format(other=other))}, value(targets, side)

    return prepare


def invitee(targets: Targets, side: str) -> tuple[dict[str, Any], Any]:
    """A colleague of the caller's side, to give another role."""
    return {"user_id": targets.invitee(side)[0]}, {"role": "viewer"}


def login(targets: Targets, _side: str) -> dict[str, str]:
    """The credentials of the world's supplier planner."""
    planner = targets.world.supplier
    assert planner.user_id is not None
    return {
        "email": targets.services.app.get_user(planner, planner.user_id).email,
        "password": PASSWORD,
    }


EXPECTED: dict[tuple[str, str], Expected] = {
    # documentation and logging in: public
    ("GET", "/api/openapi.json"): Expected(EVERYONE, 200, nothing, public=True),
    ("GET", "/api/docs"): Expected(EVERYONE, 200, nothing, public=True),
    ("GET", "/api/docs/assets/<path:name>"): Expected(
        EVERYONE, 200, lambda _s, _d: ({"name": "swagger-ui.css"}, None), public=True
    ),
    ("POST", "/api/auth/token"): Expected(
        EVERYONE,
        200,
        body(login),
        public=True,
    ),
    ("POST", "/api/auth/invitations/<string:token>/accept"): Expected(
        EVERYONE,
        200,
        lambda s, _d: (
            {"token": s.invitation()},
            {"password": PASSWORD, "first_name": "Nina", "last_name": "Smet"},
        ),
        public=True,
    ),
    # every user
    ("POST", "/api/auth/logout"): Expected(EVERYONE, 204, nothing),
    ("GET", "/api/me"): Expected(EVERYONE, 200, nothing),
    ("PATCH", "/api/me"): Expected(EVERYONE, 200, body(lambda _s, _d: {"job_title": "Planner"})),
    ("GET", "/api/users"): Expected(EVERYONE, 200, nothing),
    ("POST", "/api/users"): Expected(
        ADMINS,
        201,
        body(lambda _s, _d: {"email": f"{unique('new').split()[1]}@x.be", "role": "viewer"}),
    ),
    # Only admins manage colleagues, and only in their own roster: others are refused first.
    ("PATCH", "/api/users/<uuid:user_id>"): Expected(
        ADMINS, 200, invitee, owned=True, role_first=True
    ),
    # orders
    ("GET", "/api/orders"): Expected(EVERYONE, 200, nothing),
    ("POST", "/api/orders"): Expected(
        CUSTOMER_PLANNERS, 201, body(lambda t, _s: order_body(t.world))
    ),
    ("GET", "/api/orders/<uuid:order_id>"): Expected(EVERYONE, 200, order("planned"), owned=True),
    ("GET", "/api/orders/<uuid:order_id>/history"): Expected(
        EVERYONE, 200, order("planned"), owned=True
    ),
    ("POST", "/api/orders/<uuid:order_id>/accept"): Expected(
        SUPPLIER_PLANNERS, 200, order("requested"), owned=True
    ),
    ("POST", "/api/orders/<uuid:order_id>/reschedule"): Expected(
        PLANNERS, 200, order("planned", lambda _s, _d: {"delivery_at": when(6)}), owned=True
    ),
    ("POST", "/api/orders/<uuid:order_id>/reschedule/accept"): Expected(
        PLANNERS, 200, order("proposed_by_{other}"), owned=True
    ),
    ("POST", "/api/orders/<uuid:order_id>/reschedule/decline"): Expected(
        PLANNERS, 200, order("proposed_by_{other}", lambda _s, _d: {"message": "no"}), owned=True
    ),
    ("POST", "/api/orders/<uuid:order_id>/deliveries"): Expected(
        SUPPLIER_PLANNERS, 200, order("planned", lambda _s, _d: {"volume_m3": "6"}), owned=True
    ),
    ("PATCH", "/api/orders/<uuid:order_id>/deliveries/<int:number>"): Expected(
        SUPPLIER_PLANNERS,
        200,
        lambda s, side: (
            {**order("with_delivery")(s, side)[0], "number": 1},
            {"driver_id": str(s.driver())},
        ),
        owned=True,
    ),
    ("POST", "/api/orders/<uuid:order_id>/finish"): Expected(
        PLANNERS, 200, order("planned"), owned=True
    ),
    ("POST", "/api/orders/<uuid:order_id>/cancel"): Expected(
        PLANNERS, 200, order("requested", lambda _s, _d: {"message": "rain"}), owned=True
    ),
    # the public branch directory: where customers order (the contract's "customer")
    ("GET", "/api/directory/branches"): Expected(CUSTOMERS, 200, nothing),
    # a supplier's own branches, catalogue, contact persons and drivers
    ("GET", "/api/branches"): Expected(SUPPLIERS, 200, nothing, side_only="supplier"),
    ("POST", "/api/branches"): Expected(
        SUPPLIER_ADMIN,
        201,
        body(
            lambda _s, _d: {
                "public_name": unique("Centrale Brugge"),
                "address": {
                    "street": "Kaai",
                    "number": "3",
                    "postal_code": "8000",
                    "city": "Brugge",
                },
                "location": {"lat": 51.2, "lon": 3.22},
            }
        ),
        side_only="supplier",
    ),
    ("GET", "/api/branches/<uuid:branch_id>"): Expected(
        SUPPLIERS,
        200,
        lambda t, _s: ({"branch_id": t.world.branch_id}, None),
        owned=True,
        side_only="supplier",
    ),
    ("PATCH", "/api/branches/<uuid:branch_id>"): Expected(
        SUPPLIER_ADMIN,
        200,
        lambda s, _d: ({"branch_id": s.branch()}, {"public_name": unique("Centrale")}),
        owned=True,
        side_only="supplier",
    ),
    ("GET", "/api/products"): Expected(SUPPLIERS, 200, nothing, side_only="supplier"),
    ("POST", "/api/products"): Expected(
        SUPPLIER_ADMIN,
        201,
        body(lambda _s, _d: {"code": unique("P").replace(" ", "-"), "name": "Mortel"}),
        side_only="supplier",
    ),
    ("PATCH", "/api/products/<path:code>"): Expected(
        SUPPLIER_ADMIN,
        200,
        lambda s, _d: ({"code": s.product()}, {"name": "Beton 2"}),
        owned=True,
        side_only="supplier",
    ),
    ("GET", "/api/contacts"): Expected(SUPPLIERS, 200, nothing, side_only="supplier"),
    ("POST", "/api/contacts"): Expected(
        SUPPLIER_ADMIN,
        201,
        body(
            lambda s, _d: {
                "first_name": "Els",
                "last_name": "Wouters",
                "email": "els@example.be",
                "branch_ids": [str(s.world.branch_id)],
            }
        ),
        side_only="supplier",
    ),
    ("PATCH", "/api/contacts/<uuid:contact_id>"): Expected(
        SUPPLIER_ADMIN,
        200,
        lambda s, _d: ({"contact_id": s.contact()}, {"job_title": "Sales"}),
        owned=True,
        side_only="supplier",
    ),
    ("GET", "/api/drivers"): Expected(SUPPLIERS, 200, nothing, side_only="supplier"),
    ("POST", "/api/drivers"): Expected(
        SUPPLIER_PLANNERS,
        201,
        body(lambda _s, _d: {"first_name": "Piet", "last_name": "Maes", "mobile": "0470112233"}),
        side_only="supplier",
    ),
    ("PATCH", "/api/drivers/<uuid:driver_id>"): Expected(
        SUPPLIER_PLANNERS,
        200,
        lambda s, _d: ({"driver_id": s.driver()}, {"last_name": "Janssens"}),
        owned=True,
        side_only="supplier",
    ),
    # one's own in-app notifications: a colleague's are as unknown as a stranger's
    ("GET", "/api/notifications"): Expected(EVERYONE, 200, nothing),
    ("POST", "/api/notifications/<uuid:notification_id>/read"): Expected(
        EVERYONE,
        200,
        lambda t, side: ({"notification_id": t.notification(side)}, {}),
        owned=True,
        personal=True,
    ),
}

# Each caller: None is anonymous; else (company, side, role).
Caller = tuple[str, str, str] | None
CALLERS: list[Caller] = [
    None,
    *[(company, side, role) for company in ("own", "other") for side in SIDES for role in ROLES],
]


@dataclass
class Stage:
    """The app (through Flask's test client), two worlds and a token per user."""

    app: Flask
    client: FlaskClient
    services: Services
    worlds: dict[str, World]
    tokens: dict[tuple[str, str, str], str]


@pytest.fixture(scope="module")
def stage(module_store_env: dict[str, str]) -> Iterator[Stage]:
    """One app per backend for the whole matrix; the resources are made per request."""
    with live_services(module_store_env) as (found, app):
        worlds = {"own": build_world(found.app), "other": build_world(found.app)}
        for world in worlds.values():
            found.app.change_password(world.supplier, hash_password(PASSWORD))
        tokens = {
            (company, side, role): bearer_token(found, world.actors[f"{side}_{role}"])
            for company, world in worlds.items()
            for side in SIDES
            for role in ROLES
        }
        yield Stage(app, app.test_client(), found, worlds, tokens)


def api_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) of every route under /api, from the URL map."""
    return sorted(
        (method, rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    )


def expected_status(expected: Expected, caller: Caller) -> int:
    """What ``caller`` must get from an endpoint."""
    if expected.public:
        return expected.success
    if caller is None:
        return 401
    company, side, role = caller
    if expected.side_only not in (None, side):
        return 403
    if expected.role_first and (side, role) not in expected.allowed:
        return 403
    if expected.personal and (company, role) != ("own", "admin"):
        return 404
    if expected.owned and company == "other":
        return 404
    if (side, role) not in expected.allowed:
        return 403
    return expected.success


def call(stage: Stage, route: tuple[str, str, str], caller: Caller) -> tuple[int, int, str]:
    """Send the endpoint's request as ``caller``: (expected, actual status, content type)."""
    method, rule, endpoint = route
    expected = EXPECTED[(method, rule)]
    company, side, role = caller or ("own", "customer", "admin")
    world = stage.worlds["own" if expected.owned else company]
    values, body = expected.prepare(Targets(stage.services, world), side)
    url = stage.app.url_map.bind("localhost").build(endpoint, values, method=method)
    headers = {}
    if caller is not None:
        token = stage.tokens[caller]
        if rule == "/api/auth/logout":  # keep the shared token working
            token = bearer_token(stage.services, stage.worlds[company].actors[f"{side}_{role}"])
        headers["Authorization"] = f"Bearer {token}"
    with stage.client.open(url, method=method, json=body, headers=headers) as answer:
        return expected_status(expected, caller), answer.status_code, answer.mimetype or ""


def test_every_route_has_an_expectation_and_every_expectation_a_route(stage: Stage) -> None:
    routes = {(method, rule) for method, rule, _ in api_routes(stage.app)}

    assert sorted(routes - EXPECTED.keys()) == [], "routes without a line in EXPECTED"
    assert sorted(EXPECTED.keys() - routes) == [], "lines in EXPECTED without a route"


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: "anonymous" if c is None else "-".join(c))
def test_caller_gets_the_expected_status_from_every_endpoint(stage: Stage, caller: Caller) -> None:
    wrong = []
    for route in api_routes(stage.app):
        if (route[0], route[1]) not in EXPECTED:
            wrong.append(f"{route[0]} {route[1]}: no line in EXPECTED")
            continue
        expected, actual, mimetype = call(stage, route, caller)
        if actual != expected:
            wrong.append(f"{route[0]} {route[1]}: expected {expected}, got {actual}")
        elif actual >= 400 and mimetype != "application/problem+json":
            wrong.append(f"{route[0]} {route[1]}: {actual} as {mimetype}")

    assert not wrong, "\n".join(wrong)
