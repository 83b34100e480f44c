"""Retries and versions over real HTTP: Idempotency-Key (kept in the database) and ETag/If-Match.

A retry with the same key and body answers the first response and records nothing, also after
the server was restarted; a command sent with a stale ``If-Match`` is refused with 412 and
records nothing.
"""

from __future__ import annotations

from uuid import uuid4

from tests.builders import build_world
from tests.e2e.http_client import Answer, Http
from tests.e2e.live import LiveApi, bearer_token, live_services, order_body, served, when

PROBLEM = "application/problem+json"
REPLAYED = ("content-type", "location", "etag", "x-position")


def orders_with_reference(http: Http, token: str, reference: str, position: str) -> list[str]:
    """The ids of the caller's orders with that customer reference, once ``position`` is read."""
    answer = http.get(
        f"/api/orders?q={reference}", token, headers={"X-Min-Position": position or "0"}
    )
    assert answer.status == 200, answer.body
    return [item["id"] for item in answer.json["items"]]


def test_an_idempotency_key_survives_a_restart_of_the_server(store_env: dict[str, str]) -> None:
    reference = f"PO-{uuid4().hex[:10]}"
    key = {"Idempotency-Key": uuid4().hex}
    with live_services(store_env) as (found, app), served(app) as base_url:
        world = build_world(found.app)
        token = bearer_token(found, world.actors["customer_planner"])
        body = order_body(world, customer_reference=reference)
        first = Http(base_url).post("/api/orders", token, body, headers=key)
    assert first.status == 201, first.body

    with live_services(store_env) as (found, app), served(app) as base_url:
        http, recorded = Http(base_url), found.app.recorder.max_notification_id()

        again = http.post("/api/orders", token, body, headers=key)
        other = http.post("/api/orders", token, {**body, "remarks": "more"}, headers=key)

        assert (again.status, again.json) == (201, first.json)
        assert {h: again.header(h) for h in REPLAYED} == {h: first.header(h) for h in REPLAYED}
        assert again.header("Location") == f"/api/orders/{first.json['id']}"
        assert again.header("Idempotent-Replayed") == "true"
        assert (other.status, other.content_type) == (422, PROBLEM)
        assert list(other.json["errors"]) == ["Idempotency-Key"]
        assert found.app.recorder.max_notification_id() == recorded
        position = first.header("X-Position") or "0"
        assert orders_with_reference(http, token, reference, position) == [first.json["id"]]


def test_a_key_belongs_to_its_user(live: LiveApi) -> None:
    reference = f"PO-{uuid4().hex[:10]}"
    body = order_body(live.own, customer_reference=reference)
    key = {"Idempotency-Key": "same-key-for-both"}

    mine = live.http.post("/api/orders", live.token("customer"), body, headers=key)
    theirs = live.http.post("/api/orders", live.token("customer", "admin"), body, headers=key)

    assert (mine.status, theirs.status) == (201, 201)
    assert mine.json["id"] != theirs.json["id"]
    assert theirs.header("Idempotent-Replayed") is None
    found = orders_with_reference(
        live.http, live.token("customer"), reference, theirs.header("X-Position") or "0"
    )
    assert sorted(found) == sorted([mine.json["id"], theirs.json["id"]])


def test_a_retried_invitation_invites_once_and_answers_the_same_link(live: LiveApi) -> None:
    admin, key = live.token("supplier", "admin"), {"Idempotency-Key": uuid4().hex}
    body = {"email": f"once-{uuid4().hex[:8]}@supplier.example.be", "role": "viewer"}
    first = live.http.post("/api/users", admin, body, headers=key)
    recorded = live.services.app.recorder.max_notification_id()

    again = live.http.post("/api/users", admin, body, headers=key)

    assert (first.status, again.status) == (201, 201)
    assert again.json == first.json
    assert again.json["invitation_link"] == first.json["invitation_link"]
    assert live.services.app.recorder.max_notification_id() == recorded
    roster = live.services.app.get_company(live.own.supplier_id).members.values()
    assert [m.email for m in roster].count(body["email"]) == 1


# -- ETag and If-Match ----------------------------------------------------------------------------


def test_orders_and_branches_answer_their_version_as_etag(live: LiveApi) -> None:
    order = live.request_order()
    branch = live.http.get(f"/api/branches/{live.own.branch_id}", live.token("supplier"))

    seen = live.order(order["id"], "supplier")

    assert seen.header("ETag") == f'"{seen.json["version"]}"' == '"1"'
    assert branch.status == 200
    assert branch.header("ETag") == f'"{branch.json["version"]}"'


def cancel(live: LiveApi, order_id: str, if_match: str) -> Answer:
    """The customer cancels, naming the version it saw."""
    return live.http.post(
        f"/api/orders/{order_id}/cancel",
        live.token("customer"),
        {"message": "site flooded"},
        headers={"If-Match": if_match},
    )


def test_an_order_command_on_a_stale_version_is_412_and_records_nothing(live: LiveApi) -> None:
    order = live.request_order()
    moved = live.http.post(
        f"/api/orders/{order['id']}/reschedule",
        live.token("supplier"),
        {"delivery_at": when(5), "message": "full"},
    )
    assert moved.status == 200

    stale = cancel(live, order["id"], f'"{order["version"]}"')

    assert (stale.status, stale.content_type) == (412, PROBLEM)
    assert live.history(order["id"]) == ["OrderRequested", "DeliveryRescheduleProposed"]
    current = cancel(live, order["id"], moved.header("ETag") or "")
    assert (current.status, current.json["status"]) == (200, "cancelled")
    assert current.header("ETag") == '"3"'


def test_a_branch_change_on_a_stale_version_is_412_and_changes_nothing(live: LiveApi) -> None:
    path, admin = f"/api/branches/{live.own.branch_id}", live.token("supplier", "admin")
    before = live.http.get(path, admin)
    renamed = live.http.patch(
        path, admin, {"public_name": f"Centrale {uuid4().hex[:8]}"}, headers={"If-Match": "*"}
    )
    assert renamed.status == 200

    stale = live.http.patch(
        path, admin, {"active": False}, headers={"If-Match": before.header("ETag") or ""}
    )

    assert (stale.status, stale.content_type) == (412, PROBLEM)
    after = live.http.get(path, admin)
    assert after.json == renamed.json
    assert after.json["active"] is True
    current = live.http.patch(
        path, admin, {"active": False}, headers={"If-Match": renamed.header("ETag") or ""}
    )
    assert (current.status, current.json["active"]) == (200, False)
    assert current.json["version"] == renamed.json["version"] + 1


def test_an_if_match_that_is_no_version_is_named_in_a_422(live: LiveApi) -> None:
    order = live.request_order()

    answer = cancel(live, order["id"], "yesterday")

    assert (answer.status, answer.content_type) == (422, PROBLEM)
    assert list(answer.json["errors"]) == ["If-Match"]
    assert live.history(order["id"]) == ["OrderRequested"]
