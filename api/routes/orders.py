"""Orders: request, list, detail, history, and every command of the state table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Response, current_app, make_response

from api.auth import Principal, current, require_customer
from api.errors import ApiError, invalid
from api.http import expected_version, idempotent, min_position, services, with_version
from api.openapi import ApiBlueprint
from api.representations import (
    contact_from_aggregates,
    history,
    order_from_aggregate,
    order_from_view,
    order_item,
)
from api.schemas.order_request import order_request_arguments
from api.schemas.orders import (
    CancelIn,
    DeliveryIn,
    DriverAssignmentIn,
    EmptyIn,
    HistoryOut,
    HistoryQuery,
    MessageIn,
    OrderListQuery,
    OrderOut,
    OrderPageOut,
    OrderRequestIn,
    RescheduleIn,
)
from betotrace_es.application import Recorded
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus
from betotrace_es.domain.values import Party
from projections.order_list.queries import InvalidCursorError, OrderFilter

blp = ApiBlueprint("orders", __name__, url_prefix="/api/orders", description="Orders")
# One instance for every answer: a new OrderOut per request re-creates (deep-copies) its nested
# schemas each time. Dumping keeps no state in the instance (flask-smorest shares its own too).
ORDER_OUT = OrderOut()

COMMAND_ERRORS = (401, 403, 404, 409, 412, 415)


def _side(principal: Principal) -> Party:
    return Party.SUPPLIER if principal.is_supplier else Party.CUSTOMER


def _representation(principal: Principal, order_id: UUID) -> tuple[dict[str, Any], int]:
    """The order from its status view; from the aggregate while the view does not show it yet.

    A command answers before the read models have caught up, so an order just requested
    may not be in the view yet: then it is read from the store rather than called missing.
    Read-your-writes for later changes is ``X-Min-Position``'s business.
    """
    found = services()
    view = found.read.order_status.status(order_id, principal.company.id)
    if view is not None:
        return order_from_view(view, principal.language), view.version
    order = found.app.get_order(principal.actor, order_id)  # not found, or another company's: 404
    contact = contact_from_aggregates(found.app, order, _side(principal))
    return order_from_aggregate(order, principal.language, contact), order.version


def _answer(recorded: Recorded[Order], status: int = 200) -> Response:
    """A command's answer: the order as the command left it, from the aggregate itself.

    It does not wait for the read models: the representation is the saved aggregate's, and
    the answer's ``X-Position`` lets a later read ask for read-your-writes.
    """
    principal, found = current(), services()
    order = recorded.aggregate
    contact = contact_from_aggregates(found.app, order, _side(principal))
    body = order_from_aggregate(order, principal.language, contact)
    response = make_response(ORDER_OUT.dump(body), status)
    return with_version(response, order.version, recorded.position)


def _command(run: Callable[[Principal, int | None], Recorded[Order]]) -> Response:
    principal = current()
    return _answer(run(principal, expected_version()))


@blp.route("", methods=["POST"])
@idempotent
@blp.arguments(OrderRequestIn)
@blp.response(201, OrderOut)
@blp.problems(401, 403, 404, 409, 415)
def request_order(body: dict[str, Any]) -> Response:
    """Request concrete from a branch (customers); send an Idempotency-Key to retry safely."""
    principal = require_customer()
    recorded = services().app.request_order(principal.actor, **order_request_arguments(body))
    response = _answer(recorded, 201)
    response.headers["Location"] = f"/api/orders/{recorded.aggregate.id}"
    return response


@blp.route("", methods=["GET"])
@blp.arguments(OrderListQuery, location="query")
@blp.response(200, OrderPageOut)
@blp.problems(401)
@blp.honours("X-Min-Position")
def list_orders(query: dict[str, Any]) -> Response:
    """My company's orders by delivery moment, filtered, a page at a time."""
    min_position()
    principal = current()
    where = OrderFilter(
        statuses=tuple(OrderStatus(s) for s in query["status"]),
        action_needed_by_me=query["action_needed"] == "me",
        branch_id=query["branch_id"],
        delivery_from=query["from_"],
        delivery_to=query["to"],
        text=query["q"],
    )
    read = services().read.orders
    try:
        page = read.orders(
            principal.company.id,
            _side(principal),
            where,
            limit=query["limit"],
            cursor=query["cursor"],
        )
    except InvalidCursorError as error:
        raise invalid("cursor", str(error)) from None
    # Built in OrderPageOut's exact shape (dumping it changes nothing: tests/e2e/
    # test_representations.py), so it is sent as it is: marshmallow's field-by-field dump
    # of the 50 items was half the CPU of a list request.
    return current_app.response_class(
        current_app.json.dumps(
            {
                "items": [order_item(i, principal.language) for i in page.items],
                "next_cursor": page.next_cursor,
                "counts": read.counts(principal.company.id),
            }
        ),
        mimetype="application/json",
    )


@blp.route("/<uuid:order_id>", methods=["GET"])
@blp.response(200, OrderOut)
@blp.problems(401, 404)
@blp.honours("X-Min-Position")
def get_order(order_id: UUID) -> Response:
    """One of my orders, with the other party's contact details; X-Min-Position honoured."""
    min_position()
    body, version = _representation(current(), order_id)
    return with_version(make_response(ORDER_OUT.dump(body)), version)


@blp.route("/<uuid:order_id>/history", methods=["GET"])
@blp.arguments(HistoryQuery, location="query")
@blp.response(200, HistoryOut)
@blp.problems(401, 404)
def order_history(query: dict[str, Any], order_id: UUID) -> dict[str, Any]:
    """The audit: every event of the order; with at_version or at, its state as it was then."""
    principal = current()
    found = services().app.order_history(
        principal.actor, order_id, at_version=query["at_version"], at=query["at"]
    )
    return history(found, principal.language)


@blp.route("/<uuid:order_id>/accept", methods=["POST"])
@idempotent
@blp.arguments(EmptyIn(), required=False)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def accept(_body: dict[str, Any], order_id: UUID) -> Response:
    """Accept a requested order (supplier)."""
    return _command(lambda p, v: services().app.accept_order(p.actor, order_id, expected_version=v))


@blp.route("/<uuid:order_id>/reschedule", methods=["POST"])
@idempotent
@blp.arguments(RescheduleIn)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def reschedule(body: dict[str, Any], order_id: UUID) -> Response:
    """Propose, or counter-propose, a new delivery moment (either party)."""
    return _command(
        lambda p, v: services().app.propose_reschedule(
            p.actor, order_id, body["delivery_at"], body["message"], expected_version=v
        ),
    )


@blp.route("/<uuid:order_id>/reschedule/accept", methods=["POST"])
@idempotent
@blp.arguments(MessageIn(), required=False)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def accept_proposal(_body: dict[str, Any], order_id: UUID) -> Response:
    """Accept the pending proposal (the party that did not propose)."""
    return _command(
        lambda p, v: services().app.accept_proposal(p.actor, order_id, expected_version=v),
    )


@blp.route("/<uuid:order_id>/reschedule/decline", methods=["POST"])
@idempotent
@blp.arguments(MessageIn(), required=False)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def decline_proposal(body: dict[str, Any], order_id: UUID) -> Response:
    """Decline the pending proposal, optionally saying why (the party that did not propose)."""
    return _command(
        lambda p, v: services().app.decline_proposal(
            p.actor, order_id, body.get("message", ""), expected_version=v
        ),
    )


@blp.route("/<uuid:order_id>/deliveries", methods=["POST"])
@idempotent
@blp.arguments(DeliveryIn)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def plan_delivery(body: dict[str, Any], order_id: UUID) -> Response:
    """Plan a truck load of a planned order, optionally with its driver (supplier)."""
    return _command(
        lambda p, v: services().app.plan_delivery(
            p.actor,
            order_id,
            body["volume_m3"],
            body["planned_at"],
            body["driver_id"],
            expected_version=v,
        ),
    )


@blp.route("/<uuid:order_id>/deliveries/<int:number>", methods=["PATCH"])
@blp.arguments(DriverAssignmentIn)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def assign_driver(body: dict[str, Any], order_id: UUID, number: int) -> Response:
    """Assign a driver to a truck load (supplier)."""
    if number > 10_000:
        raise ApiError(404, f"order has no delivery {number}")
    return _command(
        lambda p, v: services().app.assign_driver(
            p.actor, order_id, number, body["driver_id"], expected_version=v
        ),
    )


@blp.route("/<uuid:order_id>/finish", methods=["POST"])
@idempotent
@blp.arguments(EmptyIn(), required=False)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def finish(_body: dict[str, Any], order_id: UUID) -> Response:
    """Mark a planned order as finished (supplier, or the customer when the supplier forgot)."""
    return _command(lambda p, v: services().app.finish_order(p.actor, order_id, expected_version=v))


@blp.route("/<uuid:order_id>/cancel", methods=["POST"])
@idempotent
@blp.arguments(CancelIn)
@blp.response(200, OrderOut)
@blp.problems(*COMMAND_ERRORS)
@blp.honours("If-Match")
def cancel(body: dict[str, Any], order_id: UUID) -> Response:
    """Cancel an open order, saying why (either party)."""
    return _command(
        lambda p, v: services().app.cancel_order(
            p.actor, order_id, body["message"], expected_version=v
        ),
    )
