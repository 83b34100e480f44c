"""A supplier's product catalogue: codes unique within the supplier."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from uuid import UUID

from betotrace_es.domain.base import BetotraceAggregate, by, derived_id
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.exceptions import (
    PermissionDeniedError,
    TransitionRefusedError,
    ValidationError,
)
from betotrace_es.domain.values import Actor, Permission, require_text

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,39}$")


def catalogue_id(supplier_id: UUID) -> UUID:
    """Each supplier has exactly one catalogue, with an id derived from the supplier's."""
    return derived_id("catalogue", supplier_id.hex)


def product_code(value: str, field: str = "code") -> str:
    """A product code: letters, digits and . _ / -, at most 40 characters."""
    if not isinstance(value, str) or not _CODE.match(value.strip()):
        raise ValidationError.single(
            field, "must be 1–40 letters, digits or . _ / - (starting with a letter or digit)"
        )
    return value.strip()


@dataclass(frozen=True)
class Product:
    """A product the supplier sells."""

    code: str
    name: str
    spec: ProductSpec
    active: bool = True


class Catalogue(BetotraceAggregate):
    """The products of one supplier."""

    class Event(BetotraceAggregate.Event):
        """An event of a catalogue."""

    class Opened(BetotraceAggregate.Created):
        """The supplier's catalogue was opened (empty)."""

        supplier_id: UUID

    class ProductAdded(Event):
        """A product was added."""

        code: str
        name: str
        spec: ProductSpec

        def apply(self, aggregate: Catalogue) -> None:
            aggregate.products[self.code] = Product(self.code, self.name, self.spec)

    class ProductChanged(Event):
        """A product's name or specification changed."""

        code: str
        name: str
        spec: ProductSpec

        def apply(self, aggregate: Catalogue) -> None:
            old = aggregate.products[self.code]
            aggregate.products[self.code] = replace(old, name=self.name, spec=self.spec)

    class ProductDeactivated(Event):
        """A product is no longer sold."""

        code: str

        def apply(self, aggregate: Catalogue) -> None:
            aggregate.products[self.code] = replace(aggregate.products[self.code], active=False)

    class ProductReactivated(Event):
        """A product is sold again."""

        code: str

        def apply(self, aggregate: Catalogue) -> None:
            aggregate.products[self.code] = replace(aggregate.products[self.code], active=True)

    def __init__(self, supplier_id: UUID) -> None:
        self.supplier_id = supplier_id
        self.products: dict[str, Product] = {}

    @classmethod
    def open(cls, actor: Actor, supplier_id: UUID) -> Catalogue:
        """Open the (empty) catalogue of a supplier."""
        return cls._create(
            cls.Opened, id=catalogue_id(supplier_id), **by(actor), supplier_id=supplier_id
        )

    def product(self, code: str, field: str = "product_code") -> Product:
        """The active product with this code."""
        product = self.products.get(code)
        if product is None:
            raise ValidationError.single(field, f"'{code}' is not in the product catalogue")
        if not product.active:
            raise ValidationError.single(field, f"'{code}' is no longer sold")
        return product

    def add_product(self, actor: Actor, code: str, name: str, spec: ProductSpec) -> None:
        """Add a product with a code not yet used by this supplier (case-insensitive)."""
        self._require_manager(actor)
        code = product_code(code)
        if any(existing.casefold() == code.casefold() for existing in self.products):
            raise ValidationError.single(
                "code", f"product code '{code}' is already in the catalogue"
            )
        spec.require_performance_fields()
        self.trigger_event(
            self.ProductAdded, **by(actor), code=code, name=require_text(name, "name"), spec=spec
        )

    def change_product(self, actor: Actor, code: str, name: str, spec: ProductSpec) -> None:
        """Change a product's name and specification."""
        self._require_manager(actor)
        product = self._existing(code)
        spec.require_performance_fields()
        new_name = require_text(name, "name")
        if (new_name, spec) == (product.name, product.spec):
            raise ValidationError.single("name", "nothing changed")
        self.trigger_event(self.ProductChanged, **by(actor), code=code, name=new_name, spec=spec)

    def deactivate_product(self, actor: Actor, code: str) -> None:
        """Stop selling a product; orders can no longer be requested for it."""
        self._require_manager(actor)
        if not self._existing(code).active:
            raise TransitionRefusedError(f"product {code} is already inactive")
        self.trigger_event(self.ProductDeactivated, **by(actor), code=code)

    def reactivate_product(self, actor: Actor, code: str) -> None:
        """Sell a deactivated product again."""
        self._require_manager(actor)
        if self._existing(code).active:
            raise TransitionRefusedError(f"product {code} is already active")
        self.trigger_event(self.ProductReactivated, **by(actor), code=code)

    def _existing(self, code: str) -> Product:
        product = self.products.get(code)
        if product is None:
            raise ValidationError.single("code", f"'{code}' is not in the product catalogue")
        return product

    def _require_manager(self, actor: Actor) -> None:
        actor.require(Permission.MANAGE_CATALOGUE, "manage the product catalogue")
        if not actor.is_system and actor.company_id != self.supplier_id:
            raise PermissionDeniedError("only the supplier can manage its catalogue")
