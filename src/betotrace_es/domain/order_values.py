"""The values of an order and the pure rules of its state table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID

from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.exceptions import ValidationError
from betotrace_es.domain.values import (
    Address,
    Location,
    Party,
    collect_fields,
    phone_number,
    require_text,
)


class OrderStatus(Enum):
    """The four states of an order; a pending proposal refines requested and planned."""

    REQUESTED = "requested"
    PLANNED = "planned"
    FINISHED = "finished"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """Finished and cancelled orders never change again."""
        return self in (OrderStatus.FINISHED, OrderStatus.CANCELLED)


class PourMethod(Enum):
    """How the concrete is placed on site."""

    PUMP = "pump"
    CHUTE = "chute"
    CRANE_BUCKET = "crane_bucket"
    CONVEYOR = "conveyor"
    OTHER = "other"

    @classmethod
    def parse(cls, value: str | PourMethod, field: str = "pour_method") -> PourMethod:
        """The pour method named ``value``."""
        if isinstance(value, PourMethod):
            return value
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise ValidationError.single(field, f"must be one of {allowed}") from None


@dataclass(frozen=True)
class Placement:
    """How and where on site the concrete goes (the delivery charter's questions)."""

    pour_method: PourMethod
    element: str
    power_lines_nearby: bool

    @classmethod
    def parse(
        cls, pour_method: str | PourMethod, element: str, power_lines_nearby: bool
    ) -> Placement:
        """Validate the placement; power lines must be answered yes or no."""
        if not isinstance(power_lines_nearby, bool):
            raise ValidationError.single("power_lines_nearby", "must be true or false")
        return cls(
            pour_method=PourMethod.parse(pour_method),
            element=require_text(element, "element", optional=True),
            power_lines_nearby=power_lines_nearby,
        )


@dataclass(frozen=True)
class Site:
    """The construction site (werf) the concrete is delivered to."""

    name: str
    address: Address
    location: Location | None
    access_notes: str
    contact_name: str
    contact_phone: str

    @classmethod
    def parse(
        cls,
        *,
        name: str,
        address: Address,
        contact_name: str,
        contact_phone: str,
        location: Location | None = None,
        access_notes: str = "",
    ) -> Site:
        """Validate the site block; all problems are reported at once."""
        checked = collect_fields(
            {
                "name": lambda: require_text(name, "site.name"),
                "access_notes": lambda: require_text(
                    access_notes, "site.access_notes", max_length=2000, optional=True
                ),
                "contact_name": lambda: require_text(contact_name, "site.contact_name"),
                "contact_phone": lambda: phone_number(contact_phone, "site.contact_phone"),
            }
        )
        return cls(address=address, location=location, **checked)


@dataclass(frozen=True)
class OrderedProduct:
    """The product as it was specified when the order was requested."""

    code: str
    name: str
    spec: ProductSpec


@dataclass(frozen=True)
class Proposal:
    """A pending proposal to move the delivery moment."""

    delivery_at: datetime
    proposed_by: Party
    message: str
    proposed_at: datetime | None = None  # when it was made (None: rebuilt from a list row)


@dataclass(frozen=True)
class Delivery:
    """One planned truck load of an order."""

    number: int
    volume_m3: Decimal
    planned_at: datetime | None
    driver_id: UUID | None


def action_needed_by(status: OrderStatus, pending: Proposal | None) -> Party | None:
    """Who must act next: a pure function of state and pending proposal."""
    if status.is_final:
        return None
    if pending is not None:
        return pending.proposed_by.other
    return Party.SUPPLIER if status is OrderStatus.REQUESTED else None


class OrderCommand(Enum):
    """The commands a party can give on an existing order (the state table's rows)."""

    ACCEPT = "accept"
    PROPOSE_RESCHEDULE = "propose_reschedule"  # a counter-proposal when the other party proposed
    ACCEPT_PROPOSAL = "accept_proposal"
    DECLINE_PROPOSAL = "decline_proposal"
    PLAN_DELIVERY = "plan_delivery"
    ASSIGN_DRIVER = "assign_driver"
    FINISH = "finish"
    CANCEL = "cancel"


def allowed_commands(
    status: OrderStatus, pending: Proposal | None, party: Party
) -> frozenset[OrderCommand]:
    """What ``party`` may do now, by the state table (roles are the caller's business).

    The aggregate's guards decide the same way; the unit tests hold the two together.
    """
    if status.is_final:
        return frozenset()
    allowed = {OrderCommand.CANCEL}
    if pending is not None and pending.proposed_by is not party:
        allowed |= {
            OrderCommand.ACCEPT_PROPOSAL,
            OrderCommand.DECLINE_PROPOSAL,
            OrderCommand.PROPOSE_RESCHEDULE,
        }
    if pending is None and (status is OrderStatus.PLANNED or party is Party.SUPPLIER):
        allowed.add(OrderCommand.PROPOSE_RESCHEDULE)
    if status is OrderStatus.REQUESTED and pending is None and party is Party.SUPPLIER:
        allowed.add(OrderCommand.ACCEPT)
    if status is OrderStatus.PLANNED:
        if party is Party.SUPPLIER:
            allowed |= {OrderCommand.PLAN_DELIVERY, OrderCommand.ASSIGN_DRIVER}
        if pending is None:
            allowed.add(OrderCommand.FINISH)
    return frozenset(allowed)


_AWAITING = {
    "nl": {
        Party.SUPPLIER: "Wachten op goedkeuring leverancier",
        Party.CUSTOMER: "Wachten op goedkeuring klant",
    },
    "fr": {
        Party.SUPPLIER: "En attente de l'approbation du fournisseur",
        Party.CUSTOMER: "En attente de l'approbation du client",
    },
    "en": {
        Party.SUPPLIER: "Awaiting supplier approval",
        Party.CUSTOMER: "Awaiting customer approval",
    },
}
_SETTLED = {
    "nl": {
        OrderStatus.PLANNED: "Gepland",
        OrderStatus.FINISHED: "Afgewerkt",
        OrderStatus.CANCELLED: "Geannuleerd",
    },
    "fr": {
        OrderStatus.PLANNED: "Planifiée",
        OrderStatus.FINISHED: "Terminée",
        OrderStatus.CANCELLED: "Annulée",
    },
    "en": {
        OrderStatus.PLANNED: "Planned",
        OrderStatus.FINISHED: "Finished",
        OrderStatus.CANCELLED: "Cancelled",
    },
}


def status_label(status: OrderStatus, pending: Proposal | None, language: str = "en") -> str:
    """The status as the UI shows it (state table of the domain spec)."""
    lang = language if language in _AWAITING else "en"
    waiting_for = action_needed_by(status, pending)
    if waiting_for is not None:
        return _AWAITING[lang][waiting_for]
    return _SETTLED[lang][status]
