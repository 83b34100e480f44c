"""The order aggregate: a customer's request to a branch, until finished or cancelled."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from betotrace_es.domain.base import BetotraceAggregate, by, derived_id, utc_now
from betotrace_es.domain.exceptions import (
    NotFoundError,
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.order_values import (
    Delivery,
    OrderCommand,
    OrderedProduct,
    OrderStatus,
    Placement,
    Proposal,
    Site,
    action_needed_by,
    allowed_commands,
    status_label,
)
from betotrace_es.domain.values import (
    PERMISSIONS,
    Actor,
    CompanyKind,
    Party,
    Permission,
    collect_fields,
    future_moment,
    parse_decimal,
    quantity_m3,
    require_text,
)

if TYPE_CHECKING:
    from betotrace_es.domain.branch import Branch
    from betotrace_es.domain.catalogue import Catalogue
    from betotrace_es.domain.company import Company
    from betotrace_es.domain.people import Driver

DriverLookup = Callable[[UUID], "Driver | None"]


def order_id(number: str) -> UUID:
    """The id of the order with this number (numbers and ids map one to one)."""
    return derived_id("order", number)


class Order(BetotraceAggregate):
    """A ready-mixed concrete order between a customer and a supplier's branch."""

    class Event(BetotraceAggregate.Event):
        """An event of an order."""

    class Requested(BetotraceAggregate.Created):
        """The customer requested the order."""

        number: str
        customer_id: UUID
        requested_by: UUID | None
        supplier_id: UUID
        branch_id: UUID
        product: OrderedProduct
        quantity_m3: Decimal
        pour_rate_m3_per_h: Decimal | None
        delivery_at: datetime
        placement: Placement
        site: Site
        customer_reference: str
        remarks: str

    class Accepted(Event):
        """The supplier accepted the requested order: it is planned."""

        def apply(self, aggregate: Order) -> None:
            aggregate.status = OrderStatus.PLANNED

    class DeliveryRescheduleProposed(Event):
        """A party proposed (or counter-proposed) a new delivery moment."""

        delivery_at: datetime
        proposed_by: Party
        message: str

        def apply(self, aggregate: Order) -> None:
            aggregate.pending_proposal = Proposal(
                self.delivery_at, self.proposed_by, self.message, self.timestamp
            )

    class DeliveryRescheduleAccepted(Event):
        """The other party accepted the proposal: the delivery moment moved."""

        delivery_at: datetime
        accepted_by: Party

        def apply(self, aggregate: Order) -> None:
            aggregate.delivery_at = self.delivery_at
            aggregate.pending_proposal = None
            if aggregate.status is OrderStatus.REQUESTED:
                aggregate.status = OrderStatus.PLANNED

    class DeliveryRescheduleDeclined(Event):
        """The other party declined the proposal: the delivery moment stays."""

        declined_by: Party
        message: str

        def apply(self, aggregate: Order) -> None:
            aggregate.pending_proposal = None

    class DeliveryPlanned(Event):
        """The supplier planned a truck load."""

        delivery_number: int
        volume_m3: Decimal
        planned_at: datetime | None
        driver_id: UUID | None

        def apply(self, aggregate: Order) -> None:
            aggregate.deliveries.append(
                Delivery(self.delivery_number, self.volume_m3, self.planned_at, self.driver_id)
            )

    class DriverAssigned(Event):
        """The supplier assigned a driver to a truck load."""

        delivery_number: int
        driver_id: UUID

        def apply(self, aggregate: Order) -> None:
            old = aggregate.deliveries[self.delivery_number - 1]
            aggregate.deliveries[self.delivery_number - 1] = Delivery(
                old.number, old.volume_m3, old.planned_at, self.driver_id
            )

    class Finished(Event):
        """All deliveries are done."""

        finished_by: Party

        def apply(self, aggregate: Order) -> None:
            aggregate.status = OrderStatus.FINISHED

    class Cancelled(Event):
        """The order will not be delivered."""

        cancelled_by: Party
        message: str

        def apply(self, aggregate: Order) -> None:
            aggregate.status = OrderStatus.CANCELLED
            aggregate.pending_proposal = None
            aggregate.cancelled_by = self.cancelled_by
            aggregate.cancellation_message = self.message

    def __init__(
        self,
        number: str,
        customer_id: UUID,
        requested_by: UUID | None,
        supplier_id: UUID,
        branch_id: UUID,
        product: OrderedProduct,
        quantity_m3: Decimal,
        pour_rate_m3_per_h: Decimal | None,
        delivery_at: datetime,
        placement: Placement,
        site: Site,
        customer_reference: str,
        remarks: str,
    ) -> None:
        self.number = number
        self.customer_id = customer_id
        self.requested_by = requested_by
        self.supplier_id = supplier_id
        self.branch_id = branch_id
        self.product = product
        self.quantity_m3 = quantity_m3
        self.pour_rate_m3_per_h = pour_rate_m3_per_h
        self.delivery_at = delivery_at
        self.placement = placement
        self.site = site
        self.customer_reference = customer_reference
        self.remarks = remarks
        self.status = OrderStatus.REQUESTED
        self.pending_proposal: Proposal | None = None
        self.deliveries: list[Delivery] = []
        self.cancelled_by: Party | None = None
        self.cancellation_message = ""

    def __deepcopy__(self, memo: dict[int, Any]) -> Order:
        """A copy to decide a command on, ten times cheaper than a generic deep copy.

        Every value an order holds is immutable (text, numbers, moments, enums, frozen
        dataclasses of those); only its lists change in place, so only they are copied.
        """
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.deliveries = list(self.deliveries)
        clone._pending_events = list(self._pending_events)
        return clone

    # -- queries ---------------------------------------------------------------------------

    @property
    def action_needed_by(self) -> Party | None:
        """The party that must act next, if any."""
        return action_needed_by(self.status, self.pending_proposal)

    def status_label(self, language: str = "en") -> str:
        """The status as shown to users."""
        return status_label(self.status, self.pending_proposal, language)

    def allowed_commands(self, actor: Actor) -> frozenset[OrderCommand]:
        """The commands ``actor`` may give on this order now (none for a viewer or outsider)."""
        if Permission.ORDER_COMMANDS not in PERMISSIONS[actor.role]:
            return frozenset()
        try:
            party = self.party_of(actor)
        except PermissionDeniedError:
            return frozenset()
        commands = allowed_commands(self.status, self.pending_proposal, party)
        if not self.deliveries:
            commands -= {OrderCommand.ASSIGN_DRIVER}
        return commands

    def party_of(self, actor: Actor) -> Party:
        """Which side of this order the actor is on; outsiders are refused."""
        if actor.company_id == self.customer_id:
            return Party.CUSTOMER
        if actor.company_id == self.supplier_id:
            return Party.SUPPLIER
        raise PermissionDeniedError(f"order {self.number} is not an order of your company")

    # -- commands --------------------------------------------------------------------------

    @classmethod
    def request(
        cls,
        *,
        actor: Actor,
        number: str,
        customer: Company,
        branch: Branch,
        catalogue: Catalogue,
        product_code: str,
        quantity_m3: Decimal | str | int,
        delivery_at: datetime,
        placement: Placement,
        site: Site,
        pour_rate_m3_per_h: Decimal | str | int | None = None,
        customer_reference: str = "",
        remarks: str = "",
        now: datetime | None = None,
    ) -> Order:
        """A customer requests concrete from an active branch that delivers the product."""
        actor.require(Permission.ORDER_COMMANDS, "request orders")
        if customer.kind is not CompanyKind.CUSTOMER or actor.company_id != customer.id:
            raise PermissionDeniedError("only a user of a customer company can request an order")
        errors: dict[str, list[str]] = {}
        try:
            fields = _checked_request_fields(
                quantity_m3,
                delivery_at,
                pour_rate_m3_per_h,
                customer_reference,
                remarks,
                now or utc_now(),
            )
        except ValidationError as error:
            errors = error.errors
        if not branch.active and not errors:
            raise TransitionRefusedError(
                f"branch {branch.public_name} is closed and takes no orders"
            )
        if product_code not in branch.products:  # said with the other fields' problems
            errors["product_code"] = [
                f"'{product_code}' is not deliverable by branch {branch.public_name}"
            ]
        if errors:
            raise ValidationError(errors)
        product = catalogue.product(product_code)
        return cls._create(
            cls.Requested,
            id=order_id(number),
            **by(actor),
            number=number,
            customer_id=customer.id,
            requested_by=actor.user_id,
            supplier_id=branch.supplier_id,
            branch_id=branch.id,
            product=OrderedProduct(product.code, product.name, product.spec),
            placement=placement,
            site=site,
            **fields,
        )

    def accept(self, actor: Actor) -> None:
        """The supplier accepts a requested order without a pending proposal."""
        self._require_party(actor, Party.SUPPLIER, "accept")
        if self.status is not OrderStatus.REQUESTED:
            raise self._refused(f"is {self.status.value}; only a requested order can be accepted")
        if self.pending_proposal is not None:
            raise self._refused("has a pending proposal for a new delivery moment; answer it first")
        self.trigger_event(self.Accepted, **by(actor))

    def propose_reschedule(
        self, actor: Actor, delivery_at: datetime, message: str = "", now: datetime | None = None
    ) -> None:
        """Propose, or counter-propose, a new delivery moment."""
        party = self._party_allowed_to_act(actor, "reschedule")
        self._require_open("rescheduled")
        if self.pending_proposal is not None and self.pending_proposal.proposed_by is party:
            raise self._refused("already has your proposal pending; wait for the other party")
        if (
            self.status is OrderStatus.REQUESTED
            and self.pending_proposal is None
            and party is Party.CUSTOMER
        ):
            raise self._refused(
                "is not accepted yet; only the supplier can propose a new moment now"
            )
        moment = future_moment(delivery_at, now or utc_now())
        if moment == self.delivery_at:
            raise ValidationError.single(
                "delivery_at", "must differ from the current delivery moment"
            )
        text = require_text(message, "message", max_length=2000, optional=True)
        self.trigger_event(
            self.DeliveryRescheduleProposed,
            **by(actor),
            delivery_at=moment,
            proposed_by=party,
            message=text,
        )

    def accept_proposal(self, actor: Actor) -> None:
        """The party that did not propose accepts the pending proposal."""
        party = self._answering_party(actor, "accept")
        assert self.pending_proposal is not None
        self.trigger_event(
            self.DeliveryRescheduleAccepted,
            **by(actor),
            delivery_at=self.pending_proposal.delivery_at,
            accepted_by=party,
        )

    def decline_proposal(self, actor: Actor, message: str = "") -> None:
        """The party that did not propose declines the pending proposal."""
        party = self._answering_party(actor, "decline")
        text = require_text(message, "message", max_length=2000, optional=True)
        self.trigger_event(
            self.DeliveryRescheduleDeclined, **by(actor), declined_by=party, message=text
        )

    def plan_delivery(
        self,
        actor: Actor,
        volume_m3: Decimal | str | int,
        planned_at: datetime | None = None,
        driver_id: UUID | None = None,
        drivers: DriverLookup | None = None,
    ) -> int:
        """The supplier plans a truck load on a planned order; returns its number."""
        self._require_party(actor, Party.SUPPLIER, "plan deliveries of")
        self._require_planned("plan deliveries")
        volume = quantity_m3(volume_m3, "volume_m3")
        if driver_id is not None and drivers is not None:
            self._check_driver(driver_id, drivers)
        if planned_at is not None and (planned_at.tzinfo is None or planned_at.utcoffset() is None):
            raise ValidationError.single("planned_at", "must include a timezone offset")
        number = len(self.deliveries) + 1
        self.trigger_event(
            self.DeliveryPlanned,
            **by(actor),
            delivery_number=number,
            volume_m3=volume,
            planned_at=planned_at,
            driver_id=driver_id,
        )
        return number

    def assign_driver(
        self,
        actor: Actor,
        delivery_number: int,
        driver_id: UUID,
        drivers: DriverLookup | None = None,
    ) -> None:
        """The supplier assigns one of its active drivers to one of the planned truck loads."""
        self._require_party(actor, Party.SUPPLIER, "assign drivers to")
        self._require_planned("assign drivers")
        if not 1 <= delivery_number <= len(self.deliveries):  # a sub-resource that is not there
            raise NotFoundError(f"order {self.number} has no delivery {delivery_number}")
        if drivers is not None:
            self._check_driver(driver_id, drivers)
        self.trigger_event(
            self.DriverAssigned, **by(actor), delivery_number=delivery_number, driver_id=driver_id
        )

    def finish(self, actor: Actor) -> None:
        """A planned order without a pending proposal is finished (normally by the supplier)."""
        party = self._party_allowed_to_act(actor, "finish")
        if self.status is not OrderStatus.PLANNED:
            raise self._refused(f"is {self.status.value}; only a planned order can be finished")
        if self.pending_proposal is not None:
            raise self._refused("has a pending proposal for a new delivery moment; answer it first")
        self.trigger_event(self.Finished, **by(actor), finished_by=party)

    def cancel(self, actor: Actor, message: str) -> None:
        """Either party cancels an order that is not finished or cancelled, saying why."""
        party = self._party_allowed_to_act(actor, "cancel")
        self._require_open("cancelled")
        text = require_text(message, "message", max_length=2000)
        self.trigger_event(self.Cancelled, **by(actor), cancelled_by=party, message=text)

    # -- guards ----------------------------------------------------------------------------

    def _check_driver(self, driver_id: UUID, drivers: DriverLookup) -> None:
        driver = drivers(driver_id)
        if driver is None or driver.supplier_id != self.supplier_id:
            raise ValidationError.single("driver_id", "is not one of your drivers")
        if not driver.active:
            raise ValidationError.single(
                "driver_id", f"{driver.first_name} {driver.last_name} is inactive"
            )

    def _refused(self, reason: str) -> TransitionRefusedError:
        return TransitionRefusedError(f"order {self.number} {reason}")

    def _party_allowed_to_act(self, actor: Actor, doing: str) -> Party:
        actor.require(Permission.ORDER_COMMANDS, f"{doing} orders")
        return self.party_of(actor)

    def _require_party(self, actor: Actor, party: Party, doing: str) -> None:
        if self._party_allowed_to_act(actor, doing) is not party:
            raise PermissionDeniedError(f"only the {party.value} can {doing} order {self.number}")

    def _require_open(self, verb: str) -> None:
        if self.status.is_final:
            raise self._refused(f"is {self.status.value}; it can no longer be {verb}")

    def _require_planned(self, doing: str) -> None:
        if self.status is not OrderStatus.PLANNED:
            raise self._refused(f"is {self.status.value}; you can only {doing} on a planned order")

    def _answering_party(self, actor: Actor, verb: str) -> Party:
        party = self._party_allowed_to_act(actor, f"{verb} proposals on")
        self._require_open(f"{verb.removesuffix('e')}ed")
        if self.pending_proposal is None:
            raise self._refused("has no pending proposal")
        if self.pending_proposal.proposed_by is party:
            raise self._refused(
                f"has your own proposal pending; only the other party can {verb} it"
            )
        return party


def _checked_request_fields(
    quantity: Decimal | str | int,
    delivery_at: datetime,
    pour_rate: Decimal | str | int | None,
    customer_reference: str,
    remarks: str,
    now: datetime,
) -> dict[str, Any]:
    """Validate the plain fields of a request, reporting every problem at once."""
    values = {
        "quantity_m3": quantity,
        "delivery_at": delivery_at,
        "pour_rate_m3_per_h": pour_rate,
        "customer_reference": customer_reference,
        "remarks": remarks,
    }
    return collect_fields(_request_field_checks(values, now))


def request_field_problems(
    values: Mapping[str, Any], now: datetime | None = None
) -> dict[str, list[str]]:
    """What the domain refuses among the plain request fields given in ``values``, all at once.

    A form shows these beside its own errors in one round; fields left out are not judged.
    """
    checks = _request_field_checks(values, now or utc_now())
    try:
        collect_fields({name: check for name, check in checks.items() if name in values})
    except ValidationError as error:
        return error.errors
    return {}


def _request_field_checks(
    values: Mapping[str, Any], now: datetime
) -> dict[str, Callable[[], object]]:
    pour_rate = values.get("pour_rate_m3_per_h")
    return {
        "quantity_m3": lambda: quantity_m3(values["quantity_m3"]),
        "delivery_at": lambda: future_moment(values["delivery_at"], now),
        "pour_rate_m3_per_h": lambda: (
            None if pour_rate is None else parse_decimal(pour_rate, "pour_rate_m3_per_h")
        ),
        "customer_reference": lambda: require_text(
            values.get("customer_reference", ""), "customer_reference", optional=True
        ),
        "remarks": lambda: require_text(
            values.get("remarks", ""), "remarks", max_length=4000, optional=True
        ),
    }
