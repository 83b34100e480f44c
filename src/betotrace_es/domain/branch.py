"""A branch: one concrete plant of a supplier, findable by its public name."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from betotrace_es.domain.base import BetotraceAggregate, by
from betotrace_es.domain.exceptions import (
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.values import (
    Actor,
    Address,
    CompanyKind,
    Location,
    Permission,
    require_text,
)

if TYPE_CHECKING:
    from betotrace_es.domain.catalogue import Catalogue
    from betotrace_es.domain.company import Company
    from betotrace_es.domain.people import ContactPerson


def parse_public_name(value: str, field: str = "public_name") -> str:
    """A branch's public name: 2–100 characters."""
    name = require_text(value, field, max_length=100)
    if len(name) < 2:
        raise ValidationError.single(field, "must be at least 2 characters")
    return name


def deliverable_products(
    codes: tuple[str, ...] | list[str], catalogue: Catalogue
) -> tuple[str, ...]:
    """The codes, each checked against the supplier's catalogue, without duplicates."""
    checked: list[str] = []
    errors: dict[str, list[str]] = {}
    for index, code in enumerate(codes):
        try:
            checked.append(catalogue.product(code, f"products[{index}]").code)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return tuple(sorted(set(checked)))


class Branch(BetotraceAggregate):
    """A plant of a supplier."""

    class Event(BetotraceAggregate.Event):
        """An event of a branch."""

    class Registered(BetotraceAggregate.Created):
        """The supplier registered a branch."""

        supplier_id: UUID
        public_name: str
        address: Address
        location: Location | None
        products: tuple[str, ...]

    class Renamed(Event):
        """The branch has a new public name."""

        public_name: str

        def apply(self, aggregate: Branch) -> None:
            aggregate.public_name = self.public_name

    class AddressChanged(Event):
        """The branch's address changed."""

        address: Address

        def apply(self, aggregate: Branch) -> None:
            aggregate.address = self.address

    class Relocated(Event):
        """The branch's map location changed."""

        location: Location

        def apply(self, aggregate: Branch) -> None:
            aggregate.location = self.location

    class ProductsChanged(Event):
        """The set of deliverable products changed."""

        products: tuple[str, ...]

        def apply(self, aggregate: Branch) -> None:
            aggregate.products = tuple(self.products)

    class Closed(Event):
        """The branch takes no more orders."""

        def apply(self, aggregate: Branch) -> None:
            aggregate.active = False

    class Reopened(Event):
        """The branch takes orders again."""

        def apply(self, aggregate: Branch) -> None:
            aggregate.active = True

    class DefaultContactChanged(Event):
        """Another contact person (or none) is now the branch's default contact."""

        contact_id: UUID | None

        def apply(self, aggregate: Branch) -> None:
            aggregate.default_contact_id = self.contact_id

    def __init__(
        self,
        supplier_id: UUID,
        public_name: str,
        address: Address,
        location: Location | None,
        products: tuple[str, ...],
    ) -> None:
        self.supplier_id = supplier_id
        self.public_name = public_name
        self.address = address
        self.location = location
        self.products = tuple(products)
        self.active = True
        self.default_contact_id: UUID | None = None

    @classmethod
    def register(
        cls,
        *,
        actor: Actor,
        supplier: Company,
        catalogue: Catalogue,
        public_name: str,
        address: Address,
        location: Location | None,
        products: tuple[str, ...] | list[str],
    ) -> Branch:
        """A supplier registers a plant (the name's uniqueness is claimed beside it)."""
        actor.require(Permission.MANAGE_CATALOGUE, "register branches")
        actor.require_company(supplier.id, "register its branches")
        if supplier.kind is not CompanyKind.SUPPLIER:
            raise PermissionDeniedError("only a supplier can register branches")
        return cls._create(
            cls.Registered,
            **by(actor),
            supplier_id=supplier.id,
            public_name=parse_public_name(public_name),
            address=address,
            location=location,
            products=deliverable_products(products, catalogue),
        )

    def rename(self, actor: Actor, new_name: str) -> None:
        """Give the branch another public name."""
        self._require_manager(actor)
        name = parse_public_name(new_name)
        if name == self.public_name:
            raise ValidationError.single("public_name", "is already the branch's name")
        self.trigger_event(self.Renamed, **by(actor), public_name=name)

    def change_address(self, actor: Actor, address: Address) -> None:
        """Record a new address."""
        self._require_manager(actor)
        if address == self.address:
            raise ValidationError.single("address", "is already the branch's address")
        self.trigger_event(self.AddressChanged, **by(actor), address=address)

    def relocate(self, actor: Actor, location: Location) -> None:
        """Move the branch's map pin."""
        self._require_manager(actor)
        if location == self.location:
            raise ValidationError.single("location", "is already the branch's location")
        self.trigger_event(self.Relocated, **by(actor), location=location)

    def change_products(
        self, actor: Actor, products: tuple[str, ...] | list[str], catalogue: Catalogue
    ) -> None:
        """Set which catalogue products the branch delivers."""
        self._require_manager(actor)
        codes = deliverable_products(products, catalogue)
        if codes == self.products:
            raise ValidationError.single("products", "are already the branch's products")
        self.trigger_event(self.ProductsChanged, **by(actor), products=codes)

    def close(self, actor: Actor) -> None:
        """Stop taking orders."""
        self._require_manager(actor)
        if not self.active:
            raise TransitionRefusedError(f"branch {self.public_name} is already closed")
        self.trigger_event(self.Closed, **by(actor))

    def reopen(self, actor: Actor) -> None:
        """Take orders again."""
        self._require_manager(actor)
        if self.active:
            raise TransitionRefusedError(f"branch {self.public_name} is already open")
        self.trigger_event(self.Reopened, **by(actor))

    def set_default_contact(self, actor: Actor, contact: ContactPerson | None) -> None:
        """Make a contact person of this branch its default (taking it from the previous one)."""
        self._require_manager(actor)
        if contact is not None and self.id not in contact.branch_ids:
            raise ValidationError.single(
                "default_for_branch_ids",
                f"{contact.full_name} is not a contact person of {self.public_name}",
            )
        new_id = None if contact is None else contact.id
        if new_id != self.default_contact_id:
            self.trigger_event(self.DefaultContactChanged, **by(actor), contact_id=new_id)

    def _require_manager(self, actor: Actor) -> None:
        actor.require(Permission.MANAGE_CATALOGUE, "manage branches")
        actor.require_company(self.supplier_id, "manage its branches")
