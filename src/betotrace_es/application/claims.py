"""Claiming platform-unique values (branch names, e-mail addresses) beside their owner."""

from __future__ import annotations

from uuid import UUID

from betotrace_es.application.base import BetotraceBase
from betotrace_es.domain.base import BetotraceAggregate
from betotrace_es.domain.exceptions import ConflictError, UniquenessError
from betotrace_es.domain.registry import UniqueClaim, claim_id
from betotrace_es.domain.values import Actor

BRANCH_NAMES = "branch-name"
USER_EMAILS = "user-email"


class ClaimCommands(BetotraceBase):
    """Claims are saved in the same transaction as the aggregate that needs them."""

    def claim(
        self, actor: Actor, scope: str, value: str, owner_id: UUID, field: str
    ) -> UniqueClaim | None:
        """The claim to save with the owner; ``None`` when the owner already holds it."""
        ident = claim_id(scope, value)
        if not self.exists(ident):
            return UniqueClaim.claim(actor, scope, value, owner_id)
        claim = self.load(UniqueClaim, ident, "claim")
        if claim.owner_id == owner_id:
            return None
        claim.reclaim(actor, value, owner_id, field)
        return claim

    def release(self, actor: Actor, scope: str, value: str, owner_id: UUID) -> UniqueClaim | None:
        """The released claim to save with the owner, if the owner held it."""
        ident = claim_id(scope, value)
        if not self.exists(ident):
            return None
        claim = self.load(UniqueClaim, ident, "claim")
        if claim.owner_id != owner_id:
            return None
        claim.release(actor, owner_id)
        return claim

    def record_claiming(
        self, field: str, value: str, *aggregates: BetotraceAggregate | None
    ) -> int:
        """Record aggregates with their claims; losing a race for the claim is 'already taken'.

        Any other conflict (the owner itself changed meanwhile) stays a ConflictError.
        """
        # Only the claims being taken matter (a released claim has no owner any more).
        claims = [a for a in aggregates if isinstance(a, UniqueClaim) and a.owner_id is not None]
        try:
            return self.record(*aggregates)
        except ConflictError:
            for claim in claims:
                holder = self.claim_holder(claim.scope, claim.value)
                if holder is not None and holder != claim.owner_id:
                    raise UniquenessError({field: [f"'{value}' is already taken"]}) from None
            raise

    def claim_holder(self, scope: str, value: str) -> UUID | None:
        """Who holds ``value`` in ``scope`` now, if anyone."""
        ident = claim_id(scope, value)
        if not self.exists(ident):
            return None
        return self.load(UniqueClaim, ident, "claim").owner_id
