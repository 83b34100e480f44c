"""Real resources of a world, made through the application, for tests that aim requests at them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from api.auth import invitation_token
from api.services import Services
from betotrace_es.application import Recorded
from betotrace_es.domain.people import ContactDetails
from betotrace_es.domain.values import Actor, Address, Location, Role
from tests.builders import PRODUCT_CODE, World, a_placement, a_site, a_spec, in_days, unique

# The states an order can be put in before a command is aimed at it.
ORDER_STATES = (
    "requested",
    "planned",
    "proposed_by_supplier",
    "proposed_by_customer",
    "with_delivery",
)


@dataclass
class Targets:
    """Makes fresh resources in ``world`` and waits until the read models show them."""

    services: Services
    world: World

    def _seen(self, recorded: Recorded[Any]) -> None:
        assert self.services.read.wait_until(recorded.position, 10)

    @property
    def _supplier(self) -> Actor:
        return self.world.supplier_admin

    @property
    def _customer(self) -> Actor:
        return self.world.customer_admin

    def order(self, state: str = "requested") -> UUID:
        """A fresh order of the world's customer, brought into ``state``."""
        app = self.services.app
        recorded = app.request_order(
            self._customer,
            branch_id=self.world.branch_id,
            product_code=PRODUCT_CODE,
            quantity_m3="12.5",
            delivery_at=in_days(3),
            placement=a_placement(),
            site=a_site(),
        )
        order_id = recorded.aggregate.id
        if state == "proposed_by_supplier":
            recorded = app.propose_reschedule(self._supplier, order_id, in_days(5), "full")
        elif state != "requested":
            recorded = app.accept_order(self._supplier, order_id)
        if state == "proposed_by_customer":
            recorded = app.propose_reschedule(self._customer, order_id, in_days(4), "earlier")
        if state == "with_delivery":
            recorded = app.plan_delivery(self._supplier, order_id, "6", None, self.driver())
        self._seen(recorded)
        return order_id

    def driver(self) -> UUID:
        """A fresh active driver of the supplier."""
        recorded = self.services.app.register_driver(self._supplier, "Piet", "Maes", "0470112233")
        self._seen(recorded)
        return recorded.aggregate.id

    def branch(self) -> UUID:
        """A fresh branch of the supplier, delivering the world's product."""
        recorded = self.services.app.register_branch(
            self._supplier,
            public_name=unique("Centrale Aalst"),
            address=Address.parse("Industrieweg", "1", "9300", "Aalst"),
            location=Location.parse(50.94, 4.04),
            products=[PRODUCT_CODE],
        )
        self._seen(recorded)
        return recorded.aggregate.id

    def contact(self) -> UUID:
        """A fresh contact person for the world's branch."""
        details = ContactDetails.parse(
            first_name="Els", last_name="Wouters", email=f"els-{uuid4().hex[:8]}@example.be"
        )
        recorded = self.services.app.register_contact(
            self._supplier, details, [self.world.branch_id]
        )
        self._seen(recorded)
        return recorded.aggregate.id

    def product(self) -> str:
        """A fresh product code in the supplier's catalogue."""
        code = f"P-{uuid4().hex[:8]}"
        recorded = self.services.app.add_product(self._supplier, code, "Beton", a_spec())
        self._seen(recorded)
        return code

    def invitee(self, side: str = "supplier") -> tuple[UUID, datetime]:
        """A fresh invited planner of that side: their id and the invitation's expiry."""
        admin = self._supplier if side == "supplier" else self._customer
        email = f"invitee-{uuid4().hex[:8]}@example.be"
        recorded = self.services.app.invite_user(admin, email, Role.PLANNER)
        self._seen(recorded)
        user_id = recorded.aggregate.id
        company = self.services.app.get_company(
            self.world.supplier_id if side == "supplier" else self.world.customer_id
        )
        expires = company.member(user_id).invitation_expires_at
        assert expires is not None
        return user_id, expires

    def invitation(self) -> str:
        """The link token of a fresh invitation."""
        user_id, expires = self.invitee()
        return invitation_token(self.services, user_id, expires)

    def notification(self, side: str) -> UUID:
        """A fresh notification of that side's admin (about an order of this world)."""
        if side == "supplier":  # a new request tells the supplier's admins and planners
            self.order("requested")
            owner = self._supplier
        else:  # an acceptance tells the customer who requested
            self.order("planned")
            owner = self._customer
        assert owner.user_id is not None
        newest = self.services.read.notifications.feed(owner.user_id, limit=1).items
        assert newest, f"no notification for the {side} admin"
        return newest[0].notification_id
