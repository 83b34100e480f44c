"""Reading the application's event log in pages, decoded into domain events."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Mapping, Sequence
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

    def pages_ahead(
        self, after: int, limit: int, topics: Sequence[str], reads: Reads, *, ahead: int = 2
    ) -> Generator[tuple[Page, list[DomainEventProtocol[Any]], int], None, None]:
        """(page, its events decoded for ``reads``, the head it was read up to) from
        ``after`` until the end of the log, read and decoded by a thread up to ``ahead``
        pages ahead of the caller.

        The reader works while the caller waits for the database (psycopg lets other
        threads run meanwhile), so reading the next page costs the caller little. At most
        ``ahead`` pages wait in memory. Closing the iterator (or an error in the caller)
        stops the thread; an error of the reader is raised in the caller.
        """
        handoff: queue.Queue[tuple[Page, list[DomainEventProtocol[Any]], int] | BaseException]
        handoff = queue.Queue(maxsize=ahead)
        stop = threading.Event()

        def hand(item: tuple[Page, list[DomainEventProtocol[Any]], int] | BaseException) -> None:
            while not stop.is_set():
                try:
                    handoff.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

        def read_ahead() -> None:
            position = after
            try:
                while not stop.is_set():
                    head = self.head()
                    page = self.read(position, limit, topics, head)
                    hand((page, page.events_for(reads), head))
                    position = page.read_up_to
                    if position >= head:
                        return
            except BaseException as exc:  # handed to the caller, who raises it
                hand(exc)

        reader = threading.Thread(target=read_ahead, name="read-ahead", daemon=True)
        reader.start()
        try:
            while True:
                item = handoff.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                page, _, head = item
                if page.read_up_to >= head:
                    return
        finally:
            stop.set()
            reader.join(timeout=10)
