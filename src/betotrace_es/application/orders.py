"""Order commands: each loads the order, lets the aggregate decide, and records the outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.utils import EnvType

from betotrace_es.application.base import BetotraceBase, Recorded
from betotrace_es.application.order_numbers import OrderNumberIssuer
from betotrace_es.domain.base import utc_now
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue, catalogue_id
from betotrace_es.domain.company import Company
from betotrace_es.domain.exceptions import NotFoundError, ValidationError
from betotrace_es.domain.order import Order, order_id
from betotrace_es.domain.order_values import Placement, Site
from betotrace_es.domain.people import Driver
from betotrace_es.domain.values import Actor


class OrderCommands(BetotraceBase):
    """Requesting orders and moving them through their states."""

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env)
        self.order_numbers = OrderNumberIssuer(self)

    def get_order(self, actor: Actor, order: UUID | str, version: int | None = None) -> Order:
        """The order as a party sees it (by id or number); others get 'not found'."""
        ident = order if isinstance(order, UUID) else order_id(order.strip().upper())
        found = self.load(Order, ident, "order", version=version)
        if not actor.is_system and actor.company_id not in (found.customer_id, found.supplier_id):
            raise NotFoundError("order not found")
        return found

    def request_order(
        self,
        actor: Actor,
        *,
        branch_id: UUID,
        product_code: str,
        quantity_m3: Decimal | str | int,
        delivery_at: datetime,
        placement: Placement,
        site: Site,
        pour_rate_m3_per_h: Decimal | str | int | None = None,
        customer_reference: str = "",
        remarks: str = "",
    ) -> Recorded[Order]:
        """A customer requests concrete from a branch; the order gets the next number."""
        if actor.company_id is None:
            raise ValidationError.single("company", "an order is requested by a customer company")
        customer = self.load(Company, actor.company_id, "company")
        branch = self.load(Branch, branch_id, "branch")
        catalogue = self.load(Catalogue, catalogue_id(branch.supplier_id), "catalogue")
        now = utc_now()

        def build(number: str) -> Order:
            return Order.request(
                actor=actor,
                number=number,
                customer=customer,
                branch=branch,
                catalogue=catalogue,
                product_code=product_code,
                quantity_m3=quantity_m3,
                delivery_at=delivery_at,
                placement=placement,
                site=site,
                pour_rate_m3_per_h=pour_rate_m3_per_h,
                customer_reference=customer_reference,
                remarks=remarks,
                now=now,
            )

        build("BT-0000-000000")  # validate first: a refused request consumes no number
        order, position = self.order_numbers.request(actor, now, build)
        return Recorded(order, position)

    def accept_order(
        self, actor: Actor, order: UUID, expected_version: int | None = None
    ) -> Recorded[Order]:
        """The supplier accepts the request: the order is planned."""
        return self._change_order(actor, order, expected_version, lambda o: o.accept(actor))

    def propose_reschedule(
        self,
        actor: Actor,
        order: UUID,
        delivery_at: datetime,
        message: str = "",
        expected_version: int | None = None,
    ) -> Recorded[Order]:
        """Propose or counter-propose a new delivery moment."""
        return self._change_order(
            actor,
            order,
            expected_version,
            lambda o: o.propose_reschedule(actor, delivery_at, message),
        )

    def accept_proposal(
        self, actor: Actor, order: UUID, expected_version: int | None = None
    ) -> Recorded[Order]:
        """The other party accepts the pending proposal."""
        return self._change_order(
            actor, order, expected_version, lambda o: o.accept_proposal(actor)
        )

    def decline_proposal(
        self, actor: Actor, order: UUID, message: str = "", expected_version: int | None = None
    ) -> Recorded[Order]:
        """The other party declines the pending proposal."""
        return self._change_order(
            actor, order, expected_version, lambda o: o.decline_proposal(actor, message)
        )

    def plan_delivery(
        self,
        actor: Actor,
        order: UUID,
        volume_m3: Decimal | str | int,
        planned_at: datetime | None = None,
        driver_id: UUID | None = None,
        expected_version: int | None = None,
    ) -> Recorded[Order]:
        """The supplier plans a truck load, optionally with its driver."""

        return self._change_order(
            actor,
            order,
            expected_version,
            lambda o: o.plan_delivery(actor, volume_m3, planned_at, driver_id, self._driver),
        )

    def assign_driver(
        self,
        actor: Actor,
        order: UUID,
        delivery_number: int,
        driver_id: UUID,
        expected_version: int | None = None,
    ) -> Recorded[Order]:
        """The supplier assigns one of its active drivers to a truck load."""
        return self._change_order(
            actor,
            order,
            expected_version,
            lambda o: o.assign_driver(actor, delivery_number, driver_id, self._driver),
        )

    def finish_order(
        self, actor: Actor, order: UUID, expected_version: int | None = None
    ) -> Recorded[Order]:
        """Mark a planned order as finished."""
        return self._change_order(actor, order, expected_version, lambda o: o.finish(actor))

    def cancel_order(
        self, actor: Actor, order: UUID, message: str, expected_version: int | None = None
    ) -> Recorded[Order]:
        """Cancel an open order, saying why."""
        return self._change_order(
            actor, order, expected_version, lambda o: o.cancel(actor, message)
        )

    def _change_order(
        self,
        actor: Actor,
        ident: UUID,
        expected_version: int | None,
        command: Callable[[Order], object],
    ) -> Recorded[Order]:
        order = self.get_order(actor, ident)
        self.check_version(order, expected_version)
        command(order)
        return Recorded(order, self.record(order))

    def _driver(self, driver_id: UUID) -> Driver | None:
        try:
            return self.load(Driver, driver_id, "driver")
        except NotFoundError:
            return None
