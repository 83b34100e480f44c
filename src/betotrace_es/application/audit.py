"""Audit: an order's events as a timeline, and its state at any version or moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from betotrace_es.application.orders import OrderCommands
from betotrace_es.domain.company import Company
from betotrace_es.domain.exceptions import NotFoundError, ValidationError
from betotrace_es.domain.order import Order
from betotrace_es.domain.people import User
from betotrace_es.domain.values import Actor
from betotrace_es.plain import plain

_BOOKKEEPING = {"originator_id", "originator_version", "timestamp", "originator_topic"}
_ACTOR = {"actor_user_id", "actor_company_id"}


def event_type(event: object) -> str:
    """The event's name in the language of the spec (``OrderAccepted``, ``DriverAssigned``)."""
    name = type(event).__name__
    return name if name.startswith(("Delivery", "Driver")) else f"Order{name}"


@dataclass(frozen=True)
class HistoryActor:
    """Who caused an event."""

    user_id: UUID | None
    name: str
    company_id: UUID | None
    company: str


@dataclass(frozen=True)
class HistoryEntry:
    """One event of an order's history."""

    version: int
    type: str
    recorded_at: datetime
    actor: HistoryActor
    data: dict[str, Any]


@dataclass(frozen=True)
class OrderHistory:
    """All events of an order, and (when asked for) its state at a version."""

    order_id: UUID
    number: str
    entries: list[HistoryEntry]
    state: Order | None = None

    @property
    def state_version(self) -> int | None:
        """The version the state is at, if a state was asked for."""
        return None if self.state is None else self.state.version


def describe_order(order: Order, language: str = "en") -> dict[str, Any]:
    """The order's state as plain data (for audits, scripts and tests)."""
    return {
        "number": order.number,
        "version": order.version,
        "status": order.status.value,
        "status_label": order.status_label(language),
        "action_needed_by": None
        if order.action_needed_by is None
        else order.action_needed_by.value,
        "delivery_at": order.delivery_at.isoformat(),
        "pending_proposal": plain(order.pending_proposal),
        "product": order.product.code,
        "quantity_m3": str(order.quantity_m3),
        "branch_id": str(order.branch_id),
        "customer_id": str(order.customer_id),
        "deliveries": plain(order.deliveries),
        "cancellation": None
        if order.cancelled_by is None
        else {"by": order.cancelled_by.value, "message": order.cancellation_message},
    }


class AuditQueries(OrderCommands):
    """The audit capability that the replay script and the API share."""

    def order_history(
        self,
        actor: Actor,
        order: UUID | str,
        *,
        at_version: int | None = None,
        at: datetime | None = None,
    ) -> OrderHistory:
        """The order's events, and its state at ``at_version`` or at moment ``at``."""
        current = self.get_order(actor, order)
        events = [cast("Order.Event", e) for e in self.events.get(current.id)]
        names = _Names(self)
        entries = [
            HistoryEntry(
                version=e.originator_version,
                type=event_type(e),
                recorded_at=e.timestamp,
                actor=names.actor(
                    getattr(e, "actor_user_id", None), getattr(e, "actor_company_id", None)
                ),
                data={k: plain(v) for k, v in vars(e).items() if k not in _BOOKKEEPING | _ACTOR},
            )
            for e in events
        ]
        version = _version_at(entries, at_version, at)
        state = None if version is None else self.get_order(actor, current.id, version=version)
        return OrderHistory(current.id, current.number, entries, state)


def _version_at(
    entries: list[HistoryEntry], at_version: int | None, at: datetime | None
) -> int | None:
    if at_version is not None and at is not None:
        raise ValidationError.single("at", "give either a version or a moment, not both")
    if at_version is not None:
        if not 1 <= at_version <= len(entries):
            raise ValidationError.single("at_version", f"must be between 1 and {len(entries)}")
        return at_version
    if at is not None:
        if at.tzinfo is None:
            raise ValidationError.single("at", "must include a timezone offset")
        earlier = [e.version for e in entries if e.recorded_at <= at]
        if not earlier:
            raise ValidationError.single("at", "the order did not exist yet at that moment")
        return max(earlier)
    return None


class _Names:
    """Resolves actor ids to names, once per id."""

    def __init__(self, app: OrderCommands) -> None:
        self._app = app
        self._cache: dict[UUID, str] = {}

    def actor(self, user_id: UUID | None, company_id: UUID | None) -> HistoryActor:
        if user_id is None and company_id is None:
            return HistoryActor(None, "Betotrace", None, "Betotrace")
        return HistoryActor(
            user_id, self._name(user_id, User), company_id, self._name(company_id, Company)
        )

    def _name(self, ident: UUID | None, cls: type[User] | type[Company]) -> str:
        if ident is None:
            return ""
        if ident not in self._cache:
            try:
                found = self._app.load(cls, ident, "actor")
                self._cache[ident] = (
                    found.full_name if isinstance(found, User) else found.legal_name
                )
            except NotFoundError:
                self._cache[ident] = str(ident)
        return self._cache[ident]
