"""Answers sent without marshmallow's dump are already in their schema's exact shape."""

from __future__ import annotations

from typing import Any

from api.schemas.orders import OrderPageOut
from tests.e2e.live import LiveApi, when


def test_the_order_list_page_is_exactly_what_its_schema_dumps(live: LiveApi) -> None:
    for _ in range(3):
        live.request_order()
    order = live.request_order()
    proposal = {"delivery_at": when(6), "message": "Morgen vroeger?"}
    answer = live.http.post(
        f"/api/orders/{order['id']}/reschedule", live.token("supplier"), proposal
    )
    assert answer.status == 200, answer.body

    for side in ("customer", "supplier"):
        answer = live.http.get("/api/orders", live.token(side))
        assert answer.status == 200, answer.body
        page = answer.json

        assert len(page["items"]) == 4
        assert [i["pending_proposal"] is not None for i in page["items"]].count(True) == 1
        assert page["counts"]
        assert OrderPageOut().dump(page) == page
        assert OrderPageOut().validate(page) == {}


def test_a_commands_answer_is_the_order_as_a_later_read_shows_it(live: LiveApi) -> None:
    # A command answers from the saved aggregate; a GET reads the order status view. Both
    # must give the acting side the same order, field for field, at every step.
    order = live.request_order(remarks="Pomp van 36 m", pour_rate_m3_per_h="30")
    cancelled = live.request_order(days=4)
    steps: list[tuple[str, str, str, Any]] = [
        (order["id"], "supplier", "reschedule", {"delivery_at": when(5), "message": "Vol"}),
        (order["id"], "customer", "reschedule", {"delivery_at": when(6), "message": "Later"}),
        (order["id"], "supplier", "reschedule/accept", {}),
        (order["id"], "supplier", "deliveries", {"volume_m3": "6.5"}),
        (order["id"], "supplier", "deliveries", {"volume_m3": "6", "planned_at": when(6.1)}),
        (order["id"], "customer", "finish", {}),
        (cancelled["id"], "supplier", "accept", {}),
        (cancelled["id"], "customer", "cancel", {"message": "Werf ligt stil"}),
    ]
    answers = [("customer", order), ("customer", cancelled)]
    for order_id, side, name, body in steps:
        answer = live.http.post(f"/api/orders/{order_id}/{name}", live.token(side), body)
        assert answer.status in (200, 201), (name, answer.status, answer.body)
        answers.append((side, answer.json))
        read = live.order(order_id, side)
        assert read.status == 200, read.body
        assert read.json == answer.json, name

    for side, requested in answers[:2]:  # the requests' answers, read back by their sender
        assert live.order(requested["id"], side).json["number"] == requested["number"]
    finished = live.order(order["id"], "supplier").json
    assert finished["status"] == "finished"
    assert [d["volume_m3"] for d in finished["deliveries"]] == ["6.5", "6"]
