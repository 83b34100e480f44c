"""What every Betotrace aggregate shares: events that record who did it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from betotrace_es.domain.values import Actor

# Namespace of the deterministic ids (order numbers, unique-name claims, sequences).
BETOTRACE_NAMESPACE = UUID("5f0c4d0e-9a53-4c3e-9a8e-3b1f1d2a7c60")


def derived_id(kind: str, key: str) -> UUID:
    """A stable id for ``key`` of ``kind`` (the same on every machine, forever)."""
    return uuid5(BETOTRACE_NAMESPACE, f"{kind}:{key}")


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def by(actor: Actor) -> dict[str, Any]:
    """The actor fields every event carries."""
    return {"actor_user_id": actor.user_id, "actor_company_id": actor.company_id}


class BetotraceAggregate(Aggregate):
    """Base aggregate: each event records the user and company that caused it."""

    class Event(Aggregate.Event):
        """An event of a Betotrace aggregate."""

        actor_user_id: UUID | None
        actor_company_id: UUID | None

    class Created(Event, Aggregate.Created):
        """The first event of a Betotrace aggregate."""
