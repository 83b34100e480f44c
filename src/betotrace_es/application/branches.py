"""Branch and catalogue commands of a supplier."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from betotrace_es.application.base import Recorded
from betotrace_es.application.claims import BRANCH_NAMES, ClaimCommands
from betotrace_es.domain.branch import Branch, parse_public_name
from betotrace_es.domain.catalogue import Catalogue, catalogue_id
from betotrace_es.domain.company import Company
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from betotrace_es.domain.values import Actor, Address, CompanyKind, Location, Permission


class BranchCommands(ClaimCommands):
    """Registering and maintaining branches, and the product catalogue they deliver from."""

    def get_branch(self, actor: Actor, branch_id: UUID) -> Branch:
        """A branch of the actor's own company (others see the public directory instead)."""
        branch = self.load(Branch, branch_id, "branch")
        if not actor.is_system and actor.company_id != branch.supplier_id:
            raise NotFoundError("branch not found")
        return branch

    def get_catalogue(self, supplier_id: UUID) -> Catalogue:
        """The supplier's product catalogue."""
        return self.load(Catalogue, catalogue_id(supplier_id), "catalogue")

    def register_branch(
        self,
        actor: Actor,
        *,
        public_name: str,
        address: Address,
        location: Location | None = None,
        products: tuple[str, ...] | list[str] = (),
    ) -> Recorded[Branch]:
        """Register a plant under a public name nobody else on the platform uses."""
        if actor.company_id is None:
            raise ValidationError.single("company", "a branch belongs to a supplier")
        supplier = self.load(Company, actor.company_id, "company")
        if supplier.kind is not CompanyKind.SUPPLIER:
            raise PermissionDeniedError("only a supplier can register branches")
        branch = Branch.register(
            actor=actor,
            supplier=supplier,
            catalogue=self.get_catalogue(supplier.id),
            public_name=public_name,
            address=address,
            location=location,
            products=products,
        )
        claim = self.claim(actor, BRANCH_NAMES, branch.public_name, branch.id, "public_name")
        return Recorded(
            branch, self.record_claiming("public_name", branch.public_name, branch, claim)
        )

    def rename_branch(
        self, actor: Actor, branch_id: UUID, public_name: str, expected_version: int | None = None
    ) -> Recorded[Branch]:
        """Rename a branch: the new name is claimed and the old one released, atomically."""
        branch = self._own_branch(actor, branch_id, expected_version)
        old_name, new_name = branch.public_name, parse_public_name(public_name)
        branch.rename(actor, new_name)
        claim = self.claim(actor, BRANCH_NAMES, new_name, branch.id, "public_name")
        released = (
            self.release(actor, BRANCH_NAMES, old_name, branch.id) if claim is not None else None
        )
        return Recorded(
            branch, self.record_claiming("public_name", new_name, branch, claim, released)
        )

    def change_branch_address(
        self, actor: Actor, branch_id: UUID, address: Address, expected_version: int | None = None
    ) -> Recorded[Branch]:
        """Record the branch's new address."""
        return self._change_branch(
            actor, branch_id, expected_version, lambda b: b.change_address(actor, address)
        )

    def relocate_branch(
        self, actor: Actor, branch_id: UUID, location: Location, expected_version: int | None = None
    ) -> Recorded[Branch]:
        """Move the branch's map pin."""
        return self._change_branch(
            actor, branch_id, expected_version, lambda b: b.relocate(actor, location)
        )

    def change_branch_products(
        self,
        actor: Actor,
        branch_id: UUID,
        products: tuple[str, ...] | list[str],
        expected_version: int | None = None,
    ) -> Recorded[Branch]:
        """Set the catalogue products the branch delivers."""
        return self._change_branch(
            actor,
            branch_id,
            expected_version,
            lambda b: b.change_products(actor, products, self.get_catalogue(b.supplier_id)),
        )

    def close_branch(
        self, actor: Actor, branch_id: UUID, expected_version: int | None = None
    ) -> Recorded[Branch]:
        """Stop taking orders at the branch."""
        return self._change_branch(actor, branch_id, expected_version, lambda b: b.close(actor))

    def reopen_branch(
        self, actor: Actor, branch_id: UUID, expected_version: int | None = None
    ) -> Recorded[Branch]:
        """Take orders at the branch again."""
        return self._change_branch(actor, branch_id, expected_version, lambda b: b.reopen(actor))

    def change_branch(
        self,
        actor: Actor,
        branch_id: UUID,
        *,
        public_name: str | None = None,
        address: Address | None = None,
        location: Location | None = None,
        products: tuple[str, ...] | list[str] | None = None,
        active: bool | None = None,
        expected_version: int | None = None,
    ) -> Recorded[Branch]:
        """Change whatever differs, all or nothing; unchanged values are left alone."""
        branch = self._own_branch(actor, branch_id, expected_version)
        actor.require(Permission.MANAGE_CATALOGUE, "manage branches")
        old_name = branch.public_name
        new_name = None if public_name is None else parse_public_name(public_name)
        if new_name is not None and new_name != old_name:
            branch.rename(actor, new_name)
        if address is not None and address != branch.address:
            branch.change_address(actor, address)
        if location is not None and location != branch.location:
            branch.relocate(actor, location)
        if products is not None:
            codes = tuple(sorted(set(products)))
            if codes != tuple(sorted(branch.products)):
                branch.change_products(actor, products, self.get_catalogue(branch.supplier_id))
        if active is not None and active != branch.active:
            (branch.reopen if active else branch.close)(actor)
        if not branch.pending_events:
            return Recorded(branch, 0)
        if branch.public_name == old_name:
            return Recorded(branch, self.record(branch))
        claim = self.claim(actor, BRANCH_NAMES, branch.public_name, branch.id, "public_name")
        released = (
            self.release(actor, BRANCH_NAMES, old_name, branch.id) if claim is not None else None
        )
        name = branch.public_name
        return Recorded(branch, self.record_claiming("public_name", name, branch, claim, released))

    def update_product(
        self,
        actor: Actor,
        code: str,
        *,
        name: str | None = None,
        spec: ProductSpec | None = None,
        active: bool | None = None,
    ) -> Recorded[Catalogue]:
        """Change a product's name, specification and/or whether it is sold, all or nothing."""
        actor.require(Permission.MANAGE_CATALOGUE, "manage the product catalogue")

        def command(catalogue: Catalogue) -> None:
            current = catalogue.products.get(code)
            if current is None:
                raise NotFoundError(f"product {code} not found")
            new = (current.name if name is None else name, current.spec if spec is None else spec)
            if new != (current.name, current.spec):
                catalogue.change_product(actor, code, *new)
            if active is not None and active != current.active:
                (catalogue.reactivate_product if active else catalogue.deactivate_product)(
                    actor, code
                )

        return self._catalogue_change_branch(actor, command, allow_unchanged=True)

    def _own_branch(self, actor: Actor, branch_id: UUID, expected_version: int | None) -> Branch:
        branch = self.get_branch(actor, branch_id)
        self.check_version(branch, expected_version)
        return branch

    def _change_branch(
        self,
        actor: Actor,
        branch_id: UUID,
        expected_version: int | None,
        command: Callable[[Branch], None],
    ) -> Recorded[Branch]:
        branch = self._own_branch(actor, branch_id, expected_version)
        command(branch)
        return Recorded(branch, self.record(branch))

    # -- catalogue -------------------------------------------------------------------------

    def add_product(
        self, actor: Actor, code: str, name: str, spec: ProductSpec
    ) -> Recorded[Catalogue]:
        """Add a product to the actor's catalogue."""
        return self._catalogue_change_branch(
            actor, lambda c: c.add_product(actor, code, name, spec)
        )

    def change_product(
        self, actor: Actor, code: str, name: str, spec: ProductSpec
    ) -> Recorded[Catalogue]:
        """Change a product's name or specification."""
        return self._catalogue_change_branch(
            actor, lambda c: c.change_product(actor, code, name, spec)
        )

    def deactivate_product(self, actor: Actor, code: str) -> Recorded[Catalogue]:
        """Stop selling a product."""
        return self._catalogue_change_branch(actor, lambda c: c.deactivate_product(actor, code))

    def reactivate_product(self, actor: Actor, code: str) -> Recorded[Catalogue]:
        """Sell a product again."""
        return self._catalogue_change_branch(actor, lambda c: c.reactivate_product(actor, code))

    def _catalogue_change_branch(
        self, actor: Actor, command: Callable[[Catalogue], None], *, allow_unchanged: bool = False
    ) -> Recorded[Catalogue]:
        if actor.company_id is None:
            raise ValidationError.single("company", "a catalogue belongs to a supplier")
        try:
            catalogue = self.get_catalogue(actor.company_id)
        except NotFoundError:
            raise NotFoundError(
                "your company has no product catalogue (it is not a supplier)"
            ) from None
        command(catalogue)
        if allow_unchanged and not catalogue.pending_events:
            return Recorded(catalogue, 0)
        return Recorded(catalogue, self.record(catalogue))
