"""Demo data: a supplier with two plants and a catalogue, a customer, orders in every state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from betotrace_es.application import Betotrace
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.order_values import Placement, Site
from betotrace_es.domain.people import ContactDetails, Profile
from betotrace_es.domain.values import Actor, Address, CompanyKind, Location, PhoneNumber, Role
from betotrace_es.passwords import hash_password

DEMO_PASSWORD = "betotrace-demo"  # noqa: S105 (printed for the demo on purpose)
SUPPLIER_ADMIN = "admin@betoncentrale.example.be"
CUSTOMER_ADMIN = "admin@desmet.example.be"
BRUSSELS = ZoneInfo("Europe/Brussels")

PRODUCTS = [
    (
        "C25/30-EE2-S3-20",
        "Beton C25/30 EE2 S3 Dmax 20",
        "C25/30",
        ["XC2", "EE2"],
        "S3",
        20,
        "CEM III/A 42,5 N LA",
    ),
    (
        "C30/37-EE3-S4-20",
        "Beton C30/37 EE3 S4 Dmax 20",
        "C30/37",
        ["XC4", "XF1", "EE3"],
        "S4",
        20,
        "CEM III/A 42,5 N LA",
    ),
    (
        "C35/45-EE4-S4-14",
        "Beton C35/45 EE4 S4 Dmax 14",
        "C35/45",
        ["XF4", "XD3", "EE4"],
        "S4",
        14,
        "CEM I 52,5 R HSR",
    ),
    (
        "C20/25-EI-S3-32",
        "Beton C20/25 EI S3 Dmax 32",
        "C20/25",
        ["X0", "EI"],
        "S3",
        32,
        "CEM II/B-M 32,5 R",
    ),
    (
        "C30/37-ES4-F5-16",
        "Zelfverdichtend C30/37 ES4 Dmax 16",
        "C30/37",
        ["XS3", "ES4"],
        "F5",
        16,
        "CEM III/B 42,5 N LA",
    ),
]


@dataclass(frozen=True)
class Login:
    """A demo login to print."""

    email: str
    company: str
    role: str


COMPANIES = (
    ("Betoncentrale Vlaanderen NV", "betoncentrale"),
    ("Bouwbedrijf De Smet BV", "desmet"),
)


def demo_logins() -> list[Login]:
    """Every demo user: an admin, a planner and a viewer on each side."""
    return [
        Login(f"{role}@{domain}.example.be", name, role)
        for name, domain in COMPANIES
        for role in ("admin", "planner", "viewer")
    ]


def seed_demo(app: Betotrace) -> list[Login] | None:
    """Create the demo data once; returns the logins, or None when it was already there."""
    if app.user_by_email(SUPPLIER_ADMIN) is not None:
        return None
    password = hash_password(DEMO_PASSWORD)
    logins: list[Login] = []
    supplier = _company(
        app,
        CompanyKind.SUPPLIER,
        "Betoncentrale Vlaanderen NV",
        "BE0403170701",
        SUPPLIER_ADMIN,
        password,
    )
    customer = _company(
        app,
        CompanyKind.CUSTOMER,
        "Bouwbedrijf De Smet BV",
        "BE0417497106",
        "admin@desmet.example.be",
        password,
    )
    for company, name, domain in (
        (supplier, "Betoncentrale Vlaanderen NV", "betoncentrale"),
        (customer, "Bouwbedrijf De Smet BV", "desmet"),
    ):
        logins.append(Login(f"admin@{domain}.example.be", name, "admin"))
        for role in (Role.PLANNER, Role.VIEWER):
            email = f"{role.value}@{domain}.example.be"
            user = app.invite_user(company, email, role).aggregate
            app.accept_invitation(
                user.id,
                first_name=role.value.title(),
                last_name=name.split()[0],
                password_hash=password,
            )
            logins.append(Login(email, name, role.value))
    branches = _catalogue_and_branches(app, supplier)
    _orders(app, supplier, customer, branches)
    return logins


def _company(
    app: Betotrace, kind: CompanyKind, name: str, vat: str, email: str, password: str
) -> Actor:
    first, last = ("Annelies", "Peeters") if kind is CompanyKind.SUPPLIER else ("Bart", "De Smet")
    company = app.register_company(
        Actor.system(),
        kind=kind,
        legal_name=name,
        vat_number=vat,
        admin_email=email,
        admin_profile=Profile.parse(
            first_name=first,
            last_name=last,
            job_title="Zaakvoerder",
            phone_numbers=[PhoneNumber.parse("mobile", "0470 11 22 33")],
        ),
        admin_password_hash=password,
    ).aggregate
    return Actor(next(iter(company.members)), company.id, Role.ADMIN)


def _catalogue_and_branches(app: Betotrace, supplier: Actor) -> list[UUID]:
    for code, name, strength, exposures, consistency, dmax, cement in PRODUCTS:
        spec = ProductSpec.parse(
            strength_class=strength,
            exposure_classes=exposures,
            consistency_class=consistency,
            dmax_mm=dmax,
            chloride_class="Cl 0,40",
            domain_of_use="reinforced",
            cement_type=cement,
        )
        app.add_product(supplier, code, name, spec)
    codes = [p[0] for p in PRODUCTS]
    gent = app.register_branch(
        supplier,
        public_name="Betoncentrale Gent Haven",
        address=Address.parse("Port Arthurlaan", "50", "9000", "Gent"),
        location=Location.parse(51.0781, 3.7344),
        products=codes,
    ).aggregate
    antwerpen = app.register_branch(
        supplier,
        public_name="Betoncentrale Antwerpen Noord",
        address=Address.parse("Noorderlaan", "120", "2030", "Antwerpen"),
        location=Location.parse(51.2550, 4.4000),
        products=codes[:3],
    ).aggregate
    contact = ContactDetails.parse(
        first_name="Koen",
        last_name="Verhoeven",
        job_title="Planner",
        email="planning@betoncentrale.example.be",
        phone_numbers=[PhoneNumber.parse("office", "09 250 12 34")],
    )
    app.register_contact(supplier, contact, [gent.id, antwerpen.id], [gent.id, antwerpen.id])
    for first, last, mobile in (
        ("Piet", "Claes", "0478 12 34 56"),
        ("Mohamed", "El Amrani", "0486 98 76 54"),
    ):
        app.register_driver(supplier, first, last, mobile)
    return [gent.id, antwerpen.id]


def _orders(app: Betotrace, supplier: Actor, customer: Actor, branches: list[UUID]) -> None:
    site = Site.parse(
        name="Residentie Zonneveld",
        address=Address.parse("Kortrijksesteenweg", "1200", "9051", "Sint-Denijs-Westrem"),
        location=Location.parse(51.0225, 3.6722),
        access_notes="Toegang via de werfpoort aan de Putstraat",
        contact_name="Jan Janssens",
        contact_phone="0495 55 66 77",
    )
    tomorrow = (datetime.now(BRUSSELS) + timedelta(days=1)).replace(
        hour=7, minute=30, second=0, microsecond=0
    )

    def request(days: int, quantity: str, element: str) -> UUID:
        return app.request_order(
            customer,
            branch_id=branches[0],
            product_code=PRODUCTS[0][0],
            quantity_m3=quantity,
            delivery_at=tomorrow + timedelta(days=days),
            placement=Placement.parse("pump", element, power_lines_nearby=False),
            site=site,
            pour_rate_m3_per_h="30",
            customer_reference=f"WERF-ZV-{days:02d}",
        ).aggregate.id

    request(1, "24", "funderingsplaat")  # awaiting the supplier
    proposed = request(2, "8.5", "kelderwand")
    app.propose_reschedule(
        supplier, proposed, tomorrow + timedelta(days=2, hours=2), "Onze pomp is pas om 9u30 vrij"
    )
    planned = request(3, "36", "vloerplaat niveau 1")
    app.accept_order(supplier, planned)
    app.plan_delivery(supplier, planned, "9")
    moved = request(4, "12", "kolommen")
    app.accept_order(supplier, moved)
    app.propose_reschedule(
        customer, moved, tomorrow + timedelta(days=5), "Bekisting nog niet klaar"
    )
    finished = request(0, "6", "tuinmuur")
    app.accept_order(supplier, finished)
    app.finish_order(supplier, finished)
    cancelled = request(6, "18", "oprit")
    app.cancel_order(customer, cancelled, "Vergunning nog niet rond")
