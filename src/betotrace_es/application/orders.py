"""Order commands: each loads the order, lets the aggregate decide, and records the outcome."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.application import LRUCache
from eventsourcing.utils import EnvType

from betotrace_es.application.base import BetotraceBase, Recorded
from betotrace_es.application.order_numbers import OrderNumberIssuer
from betotrace_es.domain.base import utc_now
from betotrace_es.domain.branch import Branch
from betotrace_es.domain.catalogue import Catalogue, catalogue_id
from betotrace_es.domain.company import Company
from betotrace_es.domain.exceptions import DomainError, NotFoundError, ValidationError
from betotrace_es.domain.order import Order, order_id
from betotrace_es.domain.order_values import Placement, Site
from betotrace_es.domain.people import Driver
from betotrace_es.domain.values import Actor

SAVED_ORDERS = 2000


class OrderCommands(BetotraceBase):
    """Requesting orders and moving them through their states."""

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env)
        self.order_numbers = OrderNumberIssuer(self)
        # The orders this process saved last, as saved: the next command on one of them
        # starts from here without asking the store (see _change_order).
        self._saved_orders: LRUCache[UUID, Order] = LRUCache(maxsize=SAVED_ORDERS)

    def get_order(self, actor: Actor, order: UUID | str, version: int | None = None) -> Order:
        """The order as a party sees it (by id or number); others get 'not found'."""
        ident = order if isinstance(order, UUID) else order_id(order.strip().upper())
        return self._visible(actor, self.load(Order, ident, "order", version=version))

    @staticmethod
    def _visible(actor: Actor, order: Order) -> Order:
        if not actor.is_system and actor.company_id not in (order.customer_id, order.supplier_id):
            raise NotFoundError("order not found")
        return order

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
        customer = self.load_reference(Company, actor.company_id, "company")
        # What the request is decided on is read as the store has it now (another process may
        # have closed the branch or taken the product off sale a moment ago), not as cached.
        branch = self.load(Branch, branch_id, "branch", copy=False)
        catalogue = self.load(Catalogue, catalogue_id(branch.supplier_id), "catalogue", copy=False)
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

        # A refused request consumes no number: the issuer keeps it unless the order is saved.
        order, position = self.order_numbers.request(actor, now, build)
        self._saved_orders.put(order.id, deepcopy(order))
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
        """Decide and record a command, optimistically on the order as this process saved it.

        The saved copy may be stale when another process changed the order since. Then
        either the save collides with the newer event in the store (the primary key on
        the order's version) or the decision was refused on stale state; in both cases
        the command is decided again, once, on the order as the store has it, so every
        outcome is exactly the one of deciding on the current state.
        """
        try:
            known = self._saved_orders.get(ident, evict=True)  # one command at a time uses it
        except KeyError:
            pass
        else:
            try:
                return self._decide(actor, known, expected_version, command)
            except DomainError:
                pass
        return self._decide(actor, self.get_order(actor, ident), expected_version, command)

    def _decide(
        self,
        actor: Actor,
        order: Order,
        expected_version: int | None,
        command: Callable[[Order], object],
    ) -> Recorded[Order]:
        self._visible(actor, order)
        self.check_version(order, expected_version)
        command(order)
        position = self.record(order)
        self._saved_orders.put(order.id, deepcopy(order))
        return Recorded(order, position)

    def _driver(self, driver_id: UUID) -> Driver | None:
        try:  # as the store has it now: deactivated by another process a moment ago counts
            return self.load(Driver, driver_id, "driver", copy=False)
        except NotFoundError:
            return None
