"""Platform-wide uniqueness: claimed names and the order-number sequence."""

from __future__ import annotations

from uuid import UUID

from betotrace_es.domain.base import BetotraceAggregate, by, derived_id
from betotrace_es.domain.exceptions import TransitionRefusedError, UniquenessError
from betotrace_es.domain.values import Actor, normalised_key


def claim_id(scope: str, value: str) -> UUID:
    """The id of the claim on ``value`` in ``scope``, equal for names equal up to case/accents."""
    return derived_id(f"claim:{scope}", normalised_key(value))


class UniqueClaim(BetotraceAggregate):
    """A claim on a value that must be unique on the platform (branch names, e-mails).

    Its id is derived from the normalised value, so two concurrent claims of "Beton Gent"
    and "béton gent" write the same aggregate at the same version: the store lets one win.
    """

    class Event(BetotraceAggregate.Event):
        """An event of a claim."""

    class Claimed(BetotraceAggregate.Created):
        """The value was claimed for the first time."""

        scope: str
        value: str
        owner_id: UUID

    class Released(Event):
        """The owner gave the value up (renamed, for instance)."""

        def apply(self, aggregate: UniqueClaim) -> None:
            aggregate.owner_id = None

    class Reclaimed(Event):
        """A released value was claimed again."""

        value: str
        owner_id: UUID

        def apply(self, aggregate: UniqueClaim) -> None:
            aggregate.value = self.value
            aggregate.owner_id = self.owner_id

    def __init__(self, scope: str, value: str, owner_id: UUID) -> None:
        self.scope = scope
        self.value = value
        self.owner_id: UUID | None = owner_id

    @classmethod
    def claim(cls, actor: Actor, scope: str, value: str, owner_id: UUID) -> UniqueClaim:
        """Claim a value nobody has claimed before."""
        return cls._create(
            cls.Claimed,
            id=claim_id(scope, value),
            **by(actor),
            scope=scope,
            value=value,
            owner_id=owner_id,
        )

    def reclaim(self, actor: Actor, value: str, owner_id: UUID, field: str) -> None:
        """Claim a value that was released; a value someone holds is taken."""
        if self.owner_id is not None:
            raise UniquenessError({field: [f"'{value}' is already taken"]})
        self.trigger_event(self.Reclaimed, **by(actor), value=value, owner_id=owner_id)

    def release(self, actor: Actor, owner_id: UUID) -> None:
        """Give the value up."""
        if self.owner_id != owner_id:
            raise TransitionRefusedError(f"'{self.value}' is not held by this owner")
        self.trigger_event(self.Released, **by(actor))


MAX_RESERVED = 1000  # numbers one reservation may set aside


def order_number_sequence_id(year: int) -> UUID:
    """The id of the order-number sequence of a year."""
    return derived_id("order-numbers", str(year))


class OrderNumberSequence(BetotraceAggregate):
    """The order numbers of one year: BT-<year>-<6 digits>, never twice.

    Numbers are set aside in blocks: each server process reserves a block and gives its
    numbers to the orders it records, so processes never contend for a number. They are
    unique on the platform and increase within a process; a block a process did not use
    up before it stopped leaves a gap.
    """

    class Event(BetotraceAggregate.Event):
        """An event of the sequence."""

    class Started(BetotraceAggregate.Created):
        """The year's first number is about to be issued."""

        year: int

    class NumberIssued(Event):
        """The next number was given to an order (how stores before blocks recorded it)."""

        number: str

        def apply(self, aggregate: OrderNumberSequence) -> None:
            aggregate.last = int(self.number.rsplit("-", 1)[1])

    class NumbersReserved(Event):
        """The numbers ``first`` to ``last`` were set aside for one process's orders."""

        first: int
        last: int

        def apply(self, aggregate: OrderNumberSequence) -> None:
            aggregate.last = self.last

    def __init__(self, year: int) -> None:
        self.year = year
        self.last = 0

    @classmethod
    def start(cls, actor: Actor, year: int) -> OrderNumberSequence:
        """Begin the sequence of a year."""
        return cls._create(cls.Started, id=order_number_sequence_id(year), **by(actor), year=year)

    def reserve(self, actor: Actor, count: int) -> range:
        """Set aside the next ``count`` numbers; returns their running parts."""
        if not 0 < count <= MAX_RESERVED:
            raise ValueError(f"reserve between 1 and {MAX_RESERVED} numbers")
        first = self.last + 1
        self.trigger_event(self.NumbersReserved, **by(actor), first=first, last=self.last + count)
        return range(first, self.last + 1)

    def number(self, running: int) -> str:
        """The order number of the ``running`` part in this year."""
        return f"BT-{self.year}-{running:06d}"
