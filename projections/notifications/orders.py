"""Who hears about each order event: the other party; the proposer gets a confirmation."""

from __future__ import annotations

from typing import Any

from betotrace_es.domain.base import BetotraceAggregate
from betotrace_es.domain.order import Order
from projections.framework.projection import Row, Rows, handles
from projections.notifications.recipients import (
    Recipient,
    active_user,
    default_contact,
    merge,
    staff,
    tell,
)


class OrderHandlers:
    """The order events' part of the notification projection."""

    @handles(Order.Requested)
    def order_requested(self, rows: Rows, event: Order.Requested) -> None:
        """The supplier's planners and admins, and the branch's default contact person."""
        order = {
            "order_id": str(event.originator_id),
            "number": event.number,
            "customer_id": str(event.customer_id),
            "supplier_id": str(event.supplier_id),
            "branch_id": str(event.branch_id),
            "requested_by": None if event.requested_by is None else str(event.requested_by),
            "delivery_at": event.delivery_at.isoformat(),
            "proposer_id": None,
        }
        rows.put("orders", order)
        kind = "order_requested"
        recipients = merge(
            _actor(event),
            staff(rows, str(event.supplier_id), kind),
            default_contact(rows, str(event.branch_id), kind),
        )
        tell(rows, event, recipients, _params(rows, order, event))

    @handles(Order.Accepted)
    def order_accepted(self, rows: Rows, event: Order.Accepted) -> None:
        """The customer hears the order is planned."""
        _tell_other_party(rows, event, "order_accepted")

    @handles(Order.Finished)
    def order_finished(self, rows: Rows, event: Order.Finished) -> None:
        """The other party hears the order is finished."""
        _tell_other_party(rows, event, "order_finished")

    @handles(Order.Cancelled)
    def order_cancelled(self, rows: Rows, event: Order.Cancelled) -> None:
        """The other party hears the order is cancelled, and why."""
        _tell_other_party(rows, event, "order_cancelled", message=event.message)
        _update(rows, event, proposer_id=None)

    @handles(Order.DeliveryRescheduleProposed)
    def delivery_reschedule_proposed(
        self, rows: Rows, event: Order.DeliveryRescheduleProposed
    ) -> None:
        """The other party is asked to accept or decline a new delivery moment."""
        _update(rows, event, proposer_id=_actor(event))
        proposed = event.delivery_at.isoformat()
        _tell_other_party(
            rows, event, "reschedule_proposed", message=event.message, proposed_at=proposed
        )

    @handles(Order.DeliveryRescheduleAccepted)
    def delivery_reschedule_accepted(
        self, rows: Rows, event: Order.DeliveryRescheduleAccepted
    ) -> None:
        """The delivery moment moved: the other party hears it, the proposer gets a confirmation."""
        proposer = _order(rows, event)["proposer_id"]
        _update(rows, event, delivery_at=event.delivery_at.isoformat(), proposer_id=None)
        confirmation = active_user(rows, proposer, "proposal_accepted")
        _tell_other_party(rows, event, "reschedule_accepted", first=confirmation)

    @handles(Order.DeliveryRescheduleDeclined)
    def delivery_reschedule_declined(
        self, rows: Rows, event: Order.DeliveryRescheduleDeclined
    ) -> None:
        """The moment stays: the other party hears it, the proposer gets a confirmation."""
        proposer = _order(rows, event)["proposer_id"]
        _update(rows, event, proposer_id=None)
        confirmation = active_user(rows, proposer, "proposal_declined")
        _tell_other_party(
            rows, event, "reschedule_declined", first=confirmation, message=event.message
        )


def _tell_other_party(
    rows: Rows,
    event: BetotraceAggregate.Event,
    kind: str,
    first: Recipient | None = None,
    **extra: str,
) -> None:
    """Customer side: the requesting user; supplier side: its planners and admins."""
    order = _order(rows, event)
    if str(event.actor_company_id) == order["supplier_id"]:
        others = _customer_side(rows, order, kind)
    else:
        others = staff(rows, order["supplier_id"], kind)
    recipients = merge(_actor(event), [first] if first else [], others)
    tell(rows, event, recipients, _params(rows, order, event, **extra))


def _customer_side(rows: Rows, order: Row, kind: str) -> list[Recipient]:
    """The requesting user; their company's planners and admins if the order names nobody or
    the requester is no longer active (the order still has a customer to tell)."""
    found = active_user(rows, order["requested_by"], kind)
    return [found] if found else staff(rows, order["customer_id"], kind)


def _params(
    rows: Rows, order: Row, event: BetotraceAggregate.Event, **extra: str
) -> dict[str, Any]:
    """What the texts are made of: number, branch, delivery moment, who did it, the message."""
    branch = rows.get("branches", order["branch_id"])
    actor_company = rows.get("companies", str(event.actor_company_id))
    return {
        "order_id": order["order_id"],
        "number": order["number"],
        "branch": branch["public_name"] if branch else "",
        "delivery_at": order["delivery_at"],
        "party": actor_company["legal_name"] if actor_company else "",
        "message": "",
        **extra,
    }


def _actor(event: BetotraceAggregate.Event) -> str | None:
    return None if event.actor_user_id is None else str(event.actor_user_id)


def _order(rows: Rows, event: BetotraceAggregate.Event) -> Row:
    row = rows.get("orders", str(event.originator_id))
    if row is None:
        msg = f"order {event.originator_id} was never requested"
        raise LookupError(msg)
    return row


def _update(rows: Rows, event: BetotraceAggregate.Event, **changes: Any) -> None:
    rows.put("orders", {**_order(rows, event), **changes})
