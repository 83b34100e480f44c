"""Order lives over HTTP, seen from both sides after every step (state table of domain.md)."""

from __future__ import annotations

from typing import Any

from tests.e2e.live import LiveApi, order_body, when

# The planners of both sides read Dutch (the default language).
AWAITING_SUPPLIER = "Wachten op goedkeuring leverancier"
AWAITING_CUSTOMER = "Wachten op goedkeuring klant"
PLANNED = "Gepland"
FINISHED = "Afgewerkt"
CANCELLED = "Geannuleerd"


def command(live: LiveApi, side: str, order_id: str, name: str, body: Any = None) -> Any:
    """Send an order command as that side's planner; it must succeed."""
    answer = live.http.post(f"/api/orders/{order_id}/{name}", live.token(side), body)
    assert answer.status == 200, (name, answer.status, answer.body)
    assert answer.header("ETag") == f'"{answer.json["version"]}"'
    return answer.json


def assert_seen(
    live: LiveApi, order_id: str, status: str, label: str, needed_by: str | None, events: list[str]
) -> None:
    """Both parties see the same status, label, who must act, and the same history."""
    for side in ("customer", "supplier"):
        answer = live.order(order_id, side)
        assert answer.status == 200, answer.body
        order = answer.json
        assert (order["status"], order["status_label"], order["action_needed_by"]) == (
            status,
            label,
            needed_by,
        ), side
        assert order["version"] == len(events)
        assert live.history(order_id, side) == events


def test_customer_requests_and_supplier_accepts(live: LiveApi) -> None:
    order = live.request_order()
    assert (order["status"], order["action_needed_by"], order["version"]) == (
        "requested",
        "supplier",
        1,
    )
    assert_seen(live, order["id"], "requested", AWAITING_SUPPLIER, "supplier", ["OrderRequested"])

    accepted = command(live, "supplier", order["id"], "accept")

    assert accepted["status"] == "planned"
    assert_seen(live, order["id"], "planned", PLANNED, None, ["OrderRequested", "OrderAccepted"])


def test_customer_accepts_the_suppliers_new_moment_for_a_request(live: LiveApi) -> None:
    order = live.request_order()
    moment = when(5)

    proposed = command(
        live, "supplier", order["id"], "reschedule", {"delivery_at": moment, "message": "full"}
    )

    assert proposed["pending_proposal"]["proposed_by"] == "supplier"
    assert proposed["pending_proposal"]["message"] == "full"
    events = ["OrderRequested", "DeliveryRescheduleProposed"]
    assert_seen(live, order["id"], "requested", AWAITING_CUSTOMER, "customer", events)

    accepted = command(live, "customer", order["id"], "reschedule/accept", {})

    assert accepted["pending_proposal"] is None
    assert accepted["delivery_at"] == proposed["pending_proposal"]["delivery_at"]
    events.append("DeliveryRescheduleAccepted")
    assert_seen(live, order["id"], "planned", PLANNED, None, events)


def test_customer_proposal_countered_by_supplier_then_accepted_by_customer(
    live: LiveApi,
) -> None:
    order = live.request_order()
    command(live, "supplier", order["id"], "accept")
    events = ["OrderRequested", "OrderAccepted"]

    command(live, "customer", order["id"], "reschedule", {"delivery_at": when(4), "message": "a"})
    events.append("DeliveryRescheduleProposed")
    assert_seen(live, order["id"], "planned", AWAITING_SUPPLIER, "supplier", events)

    counter = when(6)
    countered = command(
        live, "supplier", order["id"], "reschedule", {"delivery_at": counter, "message": "b"}
    )
    assert countered["pending_proposal"]["proposed_by"] == "supplier"
    events.append("DeliveryRescheduleProposed")
    assert_seen(live, order["id"], "planned", AWAITING_CUSTOMER, "customer", events)

    accepted = command(live, "customer", order["id"], "reschedule/accept")
    assert accepted["delivery_at"] == countered["pending_proposal"]["delivery_at"]
    events.append("DeliveryRescheduleAccepted")
    assert_seen(live, order["id"], "planned", PLANNED, None, events)


def test_supplier_finishes_a_planned_order(live: LiveApi) -> None:
    order = live.request_order()
    command(live, "supplier", order["id"], "accept")

    command(live, "supplier", order["id"], "finish")

    events = ["OrderRequested", "OrderAccepted", "OrderFinished"]
    assert_seen(live, order["id"], "finished", FINISHED, None, events)
    refused = live.http.post(
        f"/api/orders/{order['id']}/cancel", live.token("customer"), {"message": "x"}
    )
    assert refused.status == 409
    assert refused.content_type == "application/problem+json"
    assert "finished" in refused.json["detail"]


def test_customer_finishes_when_the_supplier_forgot(live: LiveApi) -> None:
    order = live.request_order()
    command(live, "supplier", order["id"], "accept")

    command(live, "customer", order["id"], "finish", {})

    events = ["OrderRequested", "OrderAccepted", "OrderFinished"]
    assert_seen(live, order["id"], "finished", FINISHED, None, events)
    finisher = live.http.get(f"/api/orders/{order['id']}/history", live.token("supplier")).json
    assert finisher["events"][-1]["actor"]["company_id"] == str(live.own.customer_id)


def test_customer_cancels_a_request_with_a_message(live: LiveApi) -> None:
    order = live.request_order()

    command(live, "customer", order["id"], "cancel", {"message": "site flooded"})

    assert_seen(
        live, order["id"], "cancelled", CANCELLED, None, ["OrderRequested", "OrderCancelled"]
    )
    last = live.http.get(f"/api/orders/{order['id']}/history", live.token("supplier")).json
    assert "site flooded" in str(last["events"][-1]["data"])


def test_supplier_cancels_a_planned_order_with_a_message(live: LiveApi) -> None:
    order = live.request_order()
    command(live, "supplier", order["id"], "accept")

    command(live, "supplier", order["id"], "cancel", {"message": "plant broken"})

    events = ["OrderRequested", "OrderAccepted", "OrderCancelled"]
    assert_seen(live, order["id"], "cancelled", CANCELLED, None, events)
    last = live.http.get(f"/api/orders/{order['id']}/history", live.token("customer")).json
    assert "plant broken" in str(last["events"][-1]["data"])
    again = live.http.post(f"/api/orders/{order['id']}/accept", live.token("supplier"))
    assert again.status == 409


def test_the_proposer_cannot_accept_its_own_proposal(live: LiveApi) -> None:
    order = live.request_order()
    command(live, "supplier", order["id"], "reschedule", {"delivery_at": when(5)})

    refused = live.http.post(f"/api/orders/{order['id']}/reschedule/accept", live.token("supplier"))

    assert refused.status == 409
    assert live.history(order["id"]) == ["OrderRequested", "DeliveryRescheduleProposed"]


def listed(live: LiveApi, side: str, position: str, query: str = "") -> dict[str, Any]:
    """The order list of that side's planner, once the read models reached ``position``."""
    answer = live.http.get(
        f"/api/orders{query}", live.token(side), headers={"X-Min-Position": position}
    )
    assert answer.status == 200, answer.body
    return {item["id"]: item for item in answer.json["items"]}


def test_lists_show_the_new_status_once_the_commands_position_is_reached(live: LiveApi) -> None:
    requested = live.http.post(
        "/api/orders", live.token("customer"), order_body(live.own, customer_reference="PO-9")
    )
    order_id = requested.json["id"]
    position = requested.header("X-Position")
    assert position is not None
    waiting = listed(live, "supplier", position, "?action_needed=me")
    assert waiting[order_id]["status_label"] == AWAITING_SUPPLIER

    answer = live.http.post(f"/api/orders/{order_id}/accept", live.token("supplier"))
    position = answer.header("X-Position")
    assert position is not None
    assert int(position) > int(requested.header("X-Position") or 0)

    for side in ("customer", "supplier"):
        item = listed(live, side, position)[order_id]
        assert (item["status"], item["status_label"], item["action_needed_by"]) == (
            "planned",
            PLANNED,
            None,
        )
        assert (item["version"], item["customer_reference"]) == (2, "PO-9")
    assert order_id not in listed(live, "supplier", position, "?action_needed=me")
    assert order_id in listed(live, "supplier", position, "?status=planned")
    assert order_id not in listed(live, "customer", position, "?status=requested")


def test_the_other_companies_do_not_list_the_order(live: LiveApi) -> None:
    order = live.request_order()
    answer = live.http.post(f"/api/orders/{order['id']}/accept", live.token("supplier"))
    position = answer.header("X-Position")
    assert position is not None

    for side in ("customer", "supplier"):
        strangers = live.http.get(
            "/api/orders", live.token(side, company="other"), headers={"X-Min-Position": position}
        )
        assert strangers.status == 200
        assert order["id"] not in {item["id"] for item in strangers.json["items"]}
        assert (
            live.http.get(f"/api/orders/{order['id']}", live.token(side, company="other")).status
            == 404
        )
