"""The order page: everything about one order, the action box, the history timeline."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request

from api.auth import Principal
from api.http import services
from api.representations import contact_from_aggregates, order_from_aggregate, order_from_view
from api.web.blueprint import bp, read_own_write
from api.web.i18n import language, n_, render
from api.web.orders_list import side
from api.web.session import principal, signed_in
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderCommand

EVENT_LABELS = {
    "OrderRequested": n_("Order requested"),
    "OrderAccepted": n_("Order accepted"),
    "DeliveryRescheduleProposed": n_("New delivery moment proposed"),
    "DeliveryRescheduleAccepted": n_("New delivery moment accepted"),
    "DeliveryRescheduleDeclined": n_("New delivery moment declined"),
    "DeliveryPlanned": n_("Truck load planned"),
    "DriverAssigned": n_("Driver assigned"),
    "OrderFinished": n_("Order finished"),
    "OrderCancelled": n_("Order cancelled"),
}
POUR_METHODS = {
    "pump": n_("Pump"),
    "chute": n_("Chute"),
    "crane_bucket": n_("Crane bucket"),
    "conveyor": n_("Conveyor belt"),
    "other": n_("Other"),
}


def _document(who: Principal, order: Order) -> dict[str, Any]:
    """The order as the API represents it: from the status view, or the aggregate if it lags."""
    found = services()
    view = found.read.order_status.status(order.id, who.company.id)
    if view is not None and view.version >= order.version:
        return order_from_view(view, language())
    contact = contact_from_aggregates(found.app, order, side(who))
    return order_from_aggregate(order, language(), contact)


def order_page(
    who: Principal,
    order_id: UUID,
    *,
    errors: dict[str, list[str]] | None = None,
    open_form: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The page of one of the company's orders (another company's: NotFoundError, so 404)."""
    found = services()
    order = found.app.get_order(who.actor, order_id)
    commands = order.allowed_commands(who.actor)
    drivers = found.read.settings.drivers(who.company.id) if who.is_supplier else []
    page = render(
        "orders/page.html",
        order=_document(who, order),
        viewer=side(who).value,
        commands={c.value for c in commands},
        Command=OrderCommand,
        history=found.app.order_history(who.actor, order_id).entries,
        event_labels=EVENT_LABELS,
        pour_methods=POUR_METHODS,
        drivers={str(d.driver_id): d for d in drivers},
        errors=errors or {},
        open_form=open_form,
        form=request.form if errors else {},
    )
    return page, status


@bp.route("/orders/<uuid:order_id>")
@signed_in
def order(order_id: UUID) -> tuple[str, int]:
    """One order; after a command (``p``), once the read models have caught up with it."""
    read_own_write()
    return order_page(principal(), order_id)
