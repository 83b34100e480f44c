"""Every order command as a POST form: the same application commands as the API."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from uuid import UUID

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.auth import Principal
from api.http import services
from api.web.blueprint import bp
from api.web.domain_messages import translated
from api.web.forms import FormError, local_moment, text
from api.web.i18n import gettext, n_
from api.web.order_page import order_page
from api.web.session import principal, signed_in
from betotrace_es.application import Recorded
from betotrace_es.domain.exceptions import (
    PermissionDeniedError,
    StaleVersionError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order import Order

Run = Callable[[Principal, UUID, int | None], Recorded[Order]]

DONE = {
    "accept": n_("You accepted the order."),
    "propose_reschedule": n_("Your proposal for a new delivery moment was sent."),
    "accept_proposal": n_("You accepted the new delivery moment."),
    "decline_proposal": n_("You declined the new delivery moment."),
    "plan_delivery": n_("The truck load is planned."),
    "assign_driver": n_("The driver is assigned."),
    "finish": n_("The order is finished."),
    "cancel": n_("The order is cancelled."),
}


def _optional_uuid(name: str) -> UUID | None:
    raw = text(name)
    try:
        return UUID(raw) if raw else None
    except ValueError:
        raise FormError({name: [gettext("Choose one of the list.")]}) from None


def _plan_delivery(who: Principal, order_id: UUID, version: int | None) -> Recorded[Order]:
    planned_at = None
    if text("date") or text("time"):
        planned_at = local_moment("date", "time", "planned_at")
    return services().app.plan_delivery(
        who.actor,
        order_id,
        text("volume_m3").replace(",", ".") or Decimal(0),
        planned_at,
        _optional_uuid("driver_id"),
        expected_version=version,
    )


def _assign_driver(who: Principal, order_id: UUID, version: int | None) -> Recorded[Order]:
    driver = _optional_uuid("driver_id")
    if driver is None:
        raise FormError({"driver_id": [gettext("Choose a driver.")]})
    number = request.form.get("delivery_number", type=int) or 0
    return services().app.assign_driver(
        who.actor, order_id, number, driver, expected_version=version
    )


COMMANDS: dict[str, Run] = {
    "accept": lambda p, o, v: services().app.accept_order(p.actor, o, expected_version=v),
    "propose_reschedule": lambda p, o, v: services().app.propose_reschedule(
        p.actor,
        o,
        local_moment("date", "time", "delivery_at"),
        text("message"),
        expected_version=v,
    ),
    "accept_proposal": lambda p, o, v: services().app.accept_proposal(
        p.actor, o, expected_version=v
    ),
    "decline_proposal": lambda p, o, v: services().app.decline_proposal(
        p.actor, o, text("message"), expected_version=v
    ),
    "plan_delivery": _plan_delivery,
    "assign_driver": _assign_driver,
    "finish": lambda p, o, v: services().app.finish_order(p.actor, o, expected_version=v),
    "cancel": lambda p, o, v: services().app.cancel_order(
        p.actor, o, text("message"), expected_version=v
    ),
}


@bp.route("/orders/<uuid:order_id>/<command>", methods=["POST"])
@signed_in
def order_command(order_id: UUID, command: str) -> Response | tuple[str, int]:
    """Give a command; back to the order page with what happened, or the form's errors."""
    run = COMMANDS.get(command) or abort(404)
    who, version = principal(), request.form.get("version", type=int)
    try:
        recorded = run(who, order_id, version)
    except (FormError, ValidationError) as error:
        return order_page(who, order_id, errors=error.errors, open_form=command, status=422)
    except StaleVersionError:
        flash(gettext("This order changed meanwhile. Look at it again before you act."), "error")
        return redirect(url_for("web.order", order_id=order_id))
    except (TransitionRefusedError, PermissionDeniedError) as error:
        flash(translated(error.message), "error")
        return redirect(url_for("web.order", order_id=order_id))
    flash(gettext(DONE[command]), "success")
    return redirect(url_for("web.order", order_id=order_id, p=recorded.position))
