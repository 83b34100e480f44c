"""Reading the application's event log in pages, decoded into domain events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from projections.framework.decoding import EventDecoder

Reads = Mapping[str, frozenset[str] | None]  # topic → the attributes a projection reads


@dataclass(frozen=True)
class Page:
    """Events read from the log, and the position up to which the log was read."""

    notifications: Sequence[Notification]
    read_up_to: int
    decoder: EventDecoder

    @property
    def last_ids(self) -> list[int]:
        """The notification id of each event."""
        return [n.id for n in self.notifications]

    @cached_property
    def events(self) -> list[DomainEventProtocol[Any]]:
        """The events, whole."""
        decode = self.decoder.decode
        return [decode(n) for n in self.notifications]

    def events_for(self, reads: Reads) -> list[DomainEventProtocol[Any]]:
        """The events with only the attributes a projection reads (see ``handles``)."""
        decode = self.decoder.decode
        get = reads.get
        return [decode(n, get(n.topic)) for n in self.notifications]


class EventSource:
    """The log of the Betotrace application, as a reader sees it."""

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[Any]) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.decoder = EventDecoder(mapper)

    def head(self) -> int:
        """The id of the last recorded event (0 for an empty log)."""
        return self.recorder.max_notification_id() or 0

    def read(self, after: int, limit: int, topics: Sequence[str], head: int) -> Page:
        """Up to ``limit`` events after ``after`` (and up to ``head``) with these topics.

        When fewer than ``limit`` events come back, everything up to ``head`` has been seen,
        so ``read_up_to`` is ``head`` even if the last events had other topics. The events
        are decoded when asked for (``Page.events``, ``Page.events_for``).
        """
        notifications = self.recorder.select_notifications(
            start=after + 1, limit=limit, stop=head, topics=list(topics)
        )
        read_up_to = head if len(notifications) < limit else notifications[-1].id
        return Page(notifications, read_up_to, self.decoder)
