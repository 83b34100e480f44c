"""Helpers shared by the projection tests (this module holds no tests).

A small marketplace (two customers, two suppliers, three branches), the commands a test drives
through it, and the order list / order status rows and counts expected from the aggregates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from betotrace_es.application import Betotrace, Recorded
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import OrderStatus, Site
from betotrace_es.domain.values import Actor, Address, Location, Party
from tests.builders import PRODUCT_CODE, a_placement, build_world, in_days, unique

SYSTEM = Actor.system()
SITES = (
    ("Résidence Élise", "Liège"),
    ("Werf Zoë", "Sint-Niklaas"),
    ("Residentie Zonneveld", "Gent"),
)


# -- the marketplace ------------------------------------------------------------------------------


@dataclass
class Supplier:
    """A supplier, its planner and its branches."""

    company_id: UUID
    planner: Actor
    admin: Actor
    branches: list[UUID]
    driver_id: UUID


@dataclass
class Customer:
    """A customer and its planner."""

    company_id: UUID
    planner: Actor


@dataclass
class Market:
    """Two customers, two suppliers (the first with two branches), and the orders so far."""

    app: Betotrace
    customers: list[Customer]
    suppliers: list[Supplier]
    orders: list[UUID] = field(default_factory=list)

    @property
    def branches(self) -> list[tuple[Supplier, UUID]]:
        """Every branch with its supplier."""
        return [(s, b) for s in self.suppliers for b in s.branches]

    @property
    def companies(self) -> list[tuple[UUID, Party]]:
        """Every company with the side it is on."""
        return [(c.company_id, Party.CUSTOMER) for c in self.customers] + [
            (s.company_id, Party.SUPPLIER) for s in self.suppliers
        ]

    def request(
        self, customer: int, branch: int, at: datetime, site: int = 0, reference: str = "PO-1"
    ) -> Recorded[Order]:
        """A new order of customer ``customer`` to the ``branch``-th branch."""
        name, city = SITES[site % len(SITES)]
        recorded = self.app.request_order(
            self.customers[customer % 2].planner,
            branch_id=self.branches[branch % len(self.branches)][1],
            product_code=PRODUCT_CODE,
            quantity_m3="8",
            delivery_at=at,
            placement=a_placement(),
            site=Site.parse(
                name=name,
                address=Address.parse("Kerkstraat", "1", "9000", city),
                contact_name="Jan Janssens",
                contact_phone="0470 12 34 56",
                location=Location.parse(51.0, 3.7),
            ),
            customer_reference=reference,
        )
        self.orders.append(recorded.aggregate.id)
        return recorded

    def order(self, order_id: UUID) -> Order:
        """The live aggregate."""
        return self.app.get_order(SYSTEM, order_id)

    def supplier_of(self, order: Order) -> Supplier:
        """The supplier an order is addressed to."""
        return next(s for s in self.suppliers if s.company_id == order.supplier_id)

    def customer_of(self, order: Order) -> Customer:
        """The customer that requested an order."""
        return next(c for c in self.customers if c.company_id == order.customer_id)


def build_market(app: Betotrace) -> Market:
    """Two worlds on one app, a second branch for the first supplier, a driver each."""
    worlds = [build_world(app), build_world(app)]
    suppliers, customers = [], []
    for world in worlds:
        admin = world.supplier_admin
        driver = app.register_driver(admin, "Piet", "Pieters", "0470 11 22 33").aggregate
        suppliers.append(
            Supplier(world.supplier_id, world.supplier, admin, [world.branch_id], driver.id)
        )
        customers.append(Customer(world.customer_id, world.customer))
    second = app.register_branch(
        worlds[0].supplier_admin,
        public_name=unique("Centrale Antwerpen"),
        address=Address.parse("Haven", "1", "2000", "Antwerpen"),
        products=[PRODUCT_CODE],
    )
    suppliers[0].branches.append(second.aggregate.id)
    return Market(app, customers, suppliers)


def in_days_at(days: int, hour: int = 0) -> datetime:
    """A moment ``days`` (+ ``hour`` hours) from now."""
    return in_days(days + hour / 24)


# -- commands -------------------------------------------------------------------------------------
# Each command names the orders it applies to, so a random script only issues allowed commands.

Applicable = Callable[[Order], bool]
Issue = Callable[[Market, Order, int], object]


def _open(order: Order) -> bool:
    return not order.status.is_final


def _proposer_may(party: Party) -> Applicable:
    def applicable(order: Order) -> bool:
        pending = order.pending_proposal
        if not _open(order) or (pending is not None and pending.proposed_by is party):
            return False
        return not (
            party is Party.CUSTOMER and pending is None and order.status is OrderStatus.REQUESTED
        )

    return applicable


def _answerer(market: Market, order: Order) -> Actor:
    assert order.pending_proposal is not None
    if order.pending_proposal.proposed_by is Party.SUPPLIER:
        return market.customer_of(order).planner
    return market.supplier_of(order).planner


def _planned(order: Order) -> bool:
    return order.status is OrderStatus.PLANNED


COMMANDS: dict[str, tuple[Applicable, Issue]] = {
    "accept": (
        lambda o: o.status is OrderStatus.REQUESTED and o.pending_proposal is None,
        lambda m, o, n: m.app.accept_order(m.supplier_of(o).planner, o.id),
    ),
    "supplier_proposes": (
        _proposer_may(Party.SUPPLIER),
        lambda m, o, n: m.app.propose_reschedule(
            m.supplier_of(o).planner, o.id, in_days_at(1 + n % 30, n % 24), f"kan {n}"
        ),
    ),
    "customer_proposes": (
        _proposer_may(Party.CUSTOMER),
        lambda m, o, n: m.app.propose_reschedule(
            m.customer_of(o).planner, o.id, in_days_at(1 + n % 30, n % 24), ""
        ),
    ),
    "accept_proposal": (
        lambda o: _open(o) and o.pending_proposal is not None,
        lambda m, o, n: m.app.accept_proposal(_answerer(m, o), o.id),
    ),
    "decline_proposal": (
        lambda o: _open(o) and o.pending_proposal is not None,
        lambda m, o, n: m.app.decline_proposal(_answerer(m, o), o.id, f"neen {n}"),
    ),
    "plan_delivery": (
        _planned,
        lambda m, o, n: m.app.plan_delivery(
            m.supplier_of(o).planner,
            o.id,
            f"{1 + n % 9}.5",
            in_days_at(n % 5, 6) if n % 2 else None,
            m.supplier_of(o).driver_id if n % 3 == 0 else None,
        ),
    ),
    "assign_driver": (
        lambda o: _planned(o) and bool(o.deliveries),
        lambda m, o, n: m.app.assign_driver(
            m.supplier_of(o).planner, o.id, 1 + n % len(o.deliveries), m.supplier_of(o).driver_id
        ),
    ),
    "finish": (
        lambda o: _planned(o) and o.pending_proposal is None,
        lambda m, o, n: m.app.finish_order(m.supplier_of(o).planner, o.id),
    ),
    "cancel": (
        _open,
        lambda m, o, n: m.app.cancel_order(
            (m.customer_of(o) if n % 2 else m.supplier_of(o)).planner, o.id, "weer"
        ),
    ),
}
ACTIONS = ("request", "rename_branch", *COMMANDS)


def perform(market: Market, action: str, n: int) -> None:
    """Issue ``action`` on the (n-th applicable) order; request an order when none applies."""
    if action == "rename_branch":
        supplier, branch = market.branches[n % len(market.branches)]
        market.app.rename_branch(supplier.admin, branch, unique("Centrale Évère"))
        return
    if action != "request":
        applicable, issue = COMMANDS[action]
        candidates = [o for o in map(market.order, market.orders) if applicable(o)]
        if candidates:
            issue(market, candidates[n % len(candidates)], n)
            return
    market.request(n % 2, n // 2, in_days_at(1 + n % 20, n % 24), site=n % 3, reference=f"PO-{n}")
