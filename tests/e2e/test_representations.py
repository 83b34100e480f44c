"""Answers sent without marshmallow's dump are already in their schema's exact shape."""

from __future__ import annotations

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
