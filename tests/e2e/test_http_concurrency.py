"""Commands racing over real HTTP: one winner, nothing lost, idempotency keys executed once."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

from tests.e2e.http_client import Answer
from tests.e2e.live import LiveApi, order_body

ROUNDS = 12


def race(*requests: Callable[[], Answer]) -> list[Answer]:
    """Send the requests from as many threads, released together by a barrier."""
    barrier = threading.Barrier(len(requests))

    def send(request: Callable[[], Answer]) -> Answer:
        barrier.wait(timeout=10)
        return request()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def accept_and_cancel(live: LiveApi, order_id: str, headers: dict[str, str]) -> list[Answer]:
    """The supplier accepts while the customer cancels."""
    supplier, customer = live.token("supplier"), live.token("customer")
    return race(
        lambda: live.http.post(f"/api/orders/{order_id}/accept", supplier, headers=headers),
        lambda: live.http.post(
            f"/api/orders/{order_id}/cancel", customer, {"message": "race"}, headers=headers
        ),
    )


def test_accept_and_cancel_of_the_same_version_have_exactly_one_winner(live: LiveApi) -> None:
    for _ in range(ROUNDS):
        order_id = live.request_order()["id"]

        accepted, cancelled = accept_and_cancel(live, order_id, {"If-Match": '"1"'})

        statuses = sorted((accepted.status, cancelled.status))
        assert statuses[0] == 200, (accepted.body, cancelled.body)
        assert statuses[1] in (409, 412), (accepted.body, cancelled.body)
        loser = cancelled if accepted.status == 200 else accepted
        assert loser.content_type == "application/problem+json"
        winner = "OrderAccepted" if accepted.status == 200 else "OrderCancelled"
        assert live.history(order_id) == ["OrderRequested", winner]
        status = live.order(order_id, "supplier").json["status"]
        assert status == ("planned" if winner == "OrderAccepted" else "cancelled")


def test_accept_and_cancel_without_if_match_record_exactly_what_they_answered(
    live: LiveApi,
) -> None:
    # Without If-Match each command is decided on the order as it is: accepted then cancelled
    # is a valid life, cancelled then accepted is not, and a true collision is refused with 409.
    # Whatever the timing, every 200 is one event of the history and every refusal none.
    for _ in range(ROUNDS):
        order_id = live.request_order()["id"]

        accepted, cancelled = accept_and_cancel(live, order_id, {})

        assert {accepted.status, cancelled.status} <= {200, 409}, (accepted.body, cancelled.body)
        assert 200 in (accepted.status, cancelled.status)
        events = live.history(order_id)
        assert events[0] == "OrderRequested"
        assert sorted(events[1:]) == sorted(
            event
            for event, answer in (("OrderAccepted", accepted), ("OrderCancelled", cancelled))
            if answer.status == 200
        )
        final = live.order(order_id, "customer").json
        expected_status = "cancelled" if "OrderCancelled" in events else "planned"
        assert (final["status"], final["version"]) == (expected_status, len(events))


def test_an_idempotency_key_sent_twice_at_once_requests_one_order(live: LiveApi) -> None:
    token = live.token("customer")
    for _ in range(ROUNDS // 2):
        reference = f"PO-{uuid4().hex[:10]}"
        body = order_body(live.own, customer_reference=reference)
        headers = {"Idempotency-Key": uuid4().hex}

        send = functools.partial(live.http.post, "/api/orders", token, body, headers=headers)

        first, second = race(send, send)

        assert (first.status, second.status) == (201, 201), (first.body, second.body)
        assert first.json == second.json
        assert first.header("Location") == second.header("Location")
        replayed = [answer.header("Idempotent-Replayed") for answer in (first, second)]
        assert replayed.count("true") == 1
        listed = live.http.get(
            f"/api/orders?q={reference}",
            token,
            headers={"X-Min-Position": first.header("X-Position") or "0"},
        )
        assert [item["id"] for item in listed.json["items"]] == [first.json["id"]]
        assert live.history(first.json["id"]) == ["OrderRequested"]


def test_a_retried_idempotency_key_answers_the_first_response_and_records_nothing(
    live: LiveApi,
) -> None:
    token = live.token("customer")
    body = order_body(live.own)
    headers = {"Idempotency-Key": uuid4().hex}
    first = live.http.post("/api/orders", token, body, headers=headers)
    order_id = first.json["id"]
    accepted = live.http.post(
        f"/api/orders/{order_id}/accept", live.token("supplier"), headers=headers
    )

    again = live.http.post("/api/orders", token, body, headers=headers)
    reused = live.http.post("/api/orders", token, {**body, "remarks": "other"}, headers=headers)

    assert (first.status, again.status, again.json) == (201, 201, first.json)
    assert again.header("Idempotent-Replayed") == "true"
    assert accepted.status == 200  # the key is per user and endpoint
    assert reused.status == 422
    assert "Idempotency-Key" in reused.json["errors"]
    assert live.history(order_id) == ["OrderRequested", "OrderAccepted"]
