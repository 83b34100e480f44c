"""Test data builders: a supplier with a branch and a product, a customer, and their users."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from betotrace_es.application import Betotrace
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.order import Order
from betotrace_es.domain.order_values import Placement, Site
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import Actor, Address, CompanyKind, Location, Role

PRODUCT_CODE = "C25/30-XC2-S3"


def in_days(days: float) -> datetime:
    """A moment ``days`` from now, timezone-aware."""
    return datetime.now(UTC) + timedelta(days=days)


def a_site() -> Site:
    """A valid construction site in Ghent."""
    return Site.parse(
        name="Residentie Zonneveld",
        address=Address.parse("Kortrijksesteenweg", "12", "9000", "Gent"),
        contact_name="Jan Janssens",
        contact_phone="0470 12 34 56",
        location=Location.parse(51.04, 3.71),
        access_notes="Enter via the gate on the north side",
    )


def a_placement() -> Placement:
    """Pumped floor slab, no power lines."""
    return Placement.parse("pump", "floor slab", power_lines_nearby=False)


def a_spec() -> ProductSpec:
    """A typical Belgian performance-specified concrete."""
    return ProductSpec.parse(
        strength_class="C25/30",
        exposure_classes=["XC2", "EE2"],
        consistency_class="S3",
        dmax_mm=20,
        domain_of_use="reinforced",
        cement_type="CEM III/A 42,5 N LA",
    )


def unique(prefix: str) -> str:
    """A short unique text, for names that must be unique on the platform."""
    return f"{prefix} {uuid4().hex[:8]}"


def belgian_vat() -> str:
    """A random valid Belgian VAT number (mod-97)."""
    base = int(uuid4().int % 10**7) + 10**7  # 8 digits starting with 1 → BE1xxxxxxxcc
    return f"BE{base:08d}{97 - base % 97:02d}"


@dataclass
class World:
    """A supplier with one branch and one product, a customer, and one user per role each."""

    app: Betotrace
    supplier_id: UUID
    customer_id: UUID
    branch_id: UUID
    supplier_admin: Actor
    customer_admin: Actor
    actors: dict[str, Actor] = field(default_factory=dict)

    @property
    def supplier(self) -> Actor:
        """A supplier planner."""
        return self.actors["supplier_planner"]

    @property
    def customer(self) -> Actor:
        """A customer planner (site manager)."""
        return self.actors["customer_planner"]

    def request(self, days: float = 3, quantity: str = "12.5", **overrides: object) -> Order:
        """A fresh requested order from the customer to the branch."""
        kwargs: dict[str, object] = {
            "branch_id": self.branch_id,
            "product_code": PRODUCT_CODE,
            "quantity_m3": quantity,
            "delivery_at": in_days(days),
            "placement": a_placement(),
            "site": a_site(),
            "customer_reference": "PO-4711",
        }
        kwargs.update(overrides)
        return self.app.request_order(self.customer, **kwargs).aggregate  # type: ignore[arg-type]


def build_world(app: Betotrace) -> World:
    """Register a supplier (with catalogue, branch, users) and a customer on ``app``."""
    system = Actor.system()
    supplier = app.register_company(
        system,
        kind=CompanyKind.SUPPLIER,
        legal_name=unique("Beton NV"),
        vat_number=belgian_vat(),
        admin_email=f"admin-{uuid4().hex[:8]}@supplier.example.be",
        admin_profile=Profile.parse(first_name="An", last_name="Peeters", language="nl"),
        admin_password_hash="not-a-real-hash",
    ).aggregate
    customer = app.register_company(
        system,
        kind=CompanyKind.CUSTOMER,
        legal_name=unique("Bouw BV"),
        vat_number=belgian_vat(),
        admin_email=f"admin-{uuid4().hex[:8]}@customer.example.be",
        admin_profile=Profile.parse(first_name="Bart", last_name="Claes", language="fr"),
        admin_password_hash="not-a-real-hash",
    ).aggregate
    supplier_admin = Actor(next(iter(supplier.members)), supplier.id, Role.ADMIN)
    customer_admin = Actor(next(iter(customer.members)), customer.id, Role.ADMIN)
    app.add_product(supplier_admin, PRODUCT_CODE, "Beton C25/30 XC2 S3", a_spec())
    branch = app.register_branch(
        supplier_admin,
        public_name=unique("Centrale Gent"),
        address=Address.parse("Port Arthurlaan", "50", "9000", "Gent"),
        location=Location.parse(51.07, 3.73),
        products=[PRODUCT_CODE],
    ).aggregate
    world = World(app, supplier.id, customer.id, branch.id, supplier_admin, customer_admin)
    for side, admin in (("supplier", supplier_admin), ("customer", customer_admin)):
        world.actors[f"{side}_admin"] = admin
        for role in (Role.PLANNER, Role.VIEWER):
            email = f"{role.value}-{uuid4().hex[:8]}@{side}.example.be"
            user = app.invite_user(admin, email, role).aggregate
            app.accept_invitation(
                user.id, first_name=role.value.title(), last_name=side.title(), password_hash="h"
            )
            world.actors[f"{side}_{role.value}"] = Actor(user.id, admin.company_id, role)
    return world
