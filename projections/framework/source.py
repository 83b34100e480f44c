"""Reading the application's event log in pages, decoded into domain events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper


@dataclass(frozen=True)
class Page:
    """Events read from the log, and the position up to which the log was read."""

    events: list[DomainEventProtocol[Any]]
    last_ids: list[int]
    read_up_to: int


class EventSource:
    """The log of the Betotrace application, as a reader sees it."""

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[Any]) -> None:
        self.recorder = recorder
        self.mapper = mapper

    def head(self) -> int:
        """The id of the last recorded event (0 for an empty log)."""
        return self.recorder.max_notification_id() or 0

    def read(self, after: int, limit: int, topics: Sequence[str], head: int) -> Page:
        """Up to ``limit`` events after ``after`` (and up to ``head``) with these topics.

        When fewer than ``limit`` events come back, everything up to ``head`` has been seen,
        so ``read_up_to`` is ``head`` even if the last events had other topics.
        """
        notifications = self.recorder.select_notifications(
            start=after + 1, limit=limit, stop=head, topics=list(topics)
        )
        events = [self.mapper.to_domain_event(n) for n in notifications]
        ids = [n.id for n in notifications]
        read_up_to = head if len(notifications) < limit else ids[-1]
        return Page(events, ids, read_up_to)
