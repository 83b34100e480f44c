"""Keeping read models up to date: catch up in batches, woken after each recorded command."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError

from projections.framework.projection import Projection, ProjectionFailedError
from projections.framework.source import EventSource
from projections.framework.store import Batch, ViewStore

log = logging.getLogger(__name__)
MAX_RACES = 10  # lost races in a row before an IntegrityError is taken for a real error


class ProjectionRunner:
    """Applies new events to each projection's active generation, one batch per transaction."""

    def __init__(
        self,
        store: ViewStore,
        source: EventSource,
        projections: Sequence[Projection],
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        leads: Callable[[], bool] | None = None,
        coalesce_seconds: float = 0.0,
    ) -> None:
        self.store = store
        self.source = source
        self.projections = list(projections)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.failures: dict[str, ProjectionFailedError] = {}
        # Whether this runner writes, when several processes embed one (leadership.py).
        self.leads = leads or (lambda: True)
        # Woken by a command, the background thread first lets a burst of commands gather
        # into one batch for this long, unless a read is waiting for its write (wait_until).
        self.coalesce_seconds = coalesce_seconds
        self._listeners: list[Callable[[], object]] = []
        self._positions: dict[str, int] = {}
        self._tracking: dict[str, tuple[int, int]] = {}  # name → (generation, position)
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._urgent = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- catching up --------------------------------------------------------------------------

    def catch_up(self) -> None:
        """Bring every projection (that has not failed) up to the current end of the log.

        One page of the log serves every projection that is behind, and their batches are
        written in one transaction (each with its own tracking position): a command costs
        one read and one write however many read models there are. The active generation
        and position of each projection are remembered between calls; a lost race (another
        runner, or a rebuild's switch) makes them be read again from the store.
        """
        if not self.leads():
            return  # another process's runner writes the read models
        head = self.source.head()
        races = 0
        wrote = False
        while not self._stop.is_set():
            behind = [
                (p, self._tracked(p))
                for p in self.projections
                if p.name not in self.failures and self._tracked(p)[1] < head
            ]
            if not behind:
                break
            after = min(position for _, (_, position) in behind)
            topics = sorted({t for p, _ in behind for t in p.topic_set})
            page = self.source.read(after, self.batch_size, topics, head)
            batches = []
            for projection, (generation, position) in behind:
                if page.read_up_to > position:
                    events, ids = page.part_for(position, projection.topic_set, projection.reads)
                    batches.append(
                        Batch(projection, generation, events, page.read_up_to, position, ids)
                    )
            try:
                self.store.write_batches(batches)
            except ProjectionFailedError as failure:
                log.error("%s", failure)
                self.failures[failure.projection] = failure
                self._publish(failure.projection, self._tracked_by_name(failure.projection))
                continue  # the others' batches rolled back with it: write them again
            except IntegrityError:
                # Another writer (a rebuild's switch, or a second runner) moved something on.
                self._tracking.clear()
                races += 1
                if races > MAX_RACES:  # not a race: a constraint of a view refused a row
                    raise
                continue
            races = 0
            wrote = wrote or any(batch.events for batch in batches)
            for batch in batches:
                self._tracking[batch.projection.name] = (batch.generation, batch.position)
                self._publish(batch.projection.name, batch.position)
        self._caught_up(wrote)

    def _caught_up(self, wrote: bool) -> None:
        for projection in self.projections:
            if projection.name not in self.failures:
                self._publish(projection.name, self._tracked(projection)[1])
        if wrote:
            for listener in self._listeners:
                listener()

    def on_written(self, listener: Callable[[], object]) -> None:
        """Call ``listener`` after each catch-up that wrote rows (e.g. wake the mail sender)."""
        self._listeners.append(listener)

    def _tracked(self, projection: Projection) -> tuple[int, int]:
        """The active generation of a projection and the position it has reached."""
        found = self._tracking.get(projection.name)
        if found is None:
            generation = self.store.active_generation(projection)
            found = (generation, self.store.position(projection.name, generation))
            self._tracking[projection.name] = found
        return found

    def _tracked_by_name(self, name: str) -> int:
        return next(self._tracked(p)[1] for p in self.projections if p.name == name)

    def _publish(self, name: str, position: int) -> None:
        with self._changed:
            self._positions[name] = position
            self._changed.notify_all()

    # -- read-your-writes ---------------------------------------------------------------------

    def position(self) -> int:
        """The position every healthy projection has reached."""
        with self._changed:
            return self._lowest()

    def _lowest(self) -> int:
        healthy = [
            self._positions.get(p.name, 0) for p in self.projections if p.name not in self.failures
        ]
        return min(healthy, default=0)

    def wait_until(self, position: int, timeout: float) -> bool:
        """Block until every projection has processed ``position`` (True) or time runs out."""
        if not self.leads():  # another process writes: watch its tracking positions
            return poll_until(self.store, self.projections, position, timeout)
        self._urgent.set()
        self.wake()
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._lowest() < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    # -- in-process background thread ---------------------------------------------------------

    def wake(self, *_: Any, **__: Any) -> None:
        """Ask the background thread to catch up now (connect to the events-recorded signal)."""
        self._wake.set()

    def start(self) -> None:
        """Run in a daemon thread: catch up when woken, and every ``poll_interval`` anyway."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="projection-runner", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the background thread after its current batch."""
        self._stop.set()
        self._urgent.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _loop(self) -> None:
        backoff = self.poll_interval
        while not self._stop.is_set():
            woken = self._wake.wait(backoff)
            if woken and self.coalesce_seconds and not self._urgent.is_set():
                self._urgent.wait(self.coalesce_seconds)
            self._wake.clear()
            self._urgent.clear()
            if self._stop.is_set():
                return
            try:
                self.catch_up()
                backoff = self.poll_interval
            except Exception:  # the store may be briefly unreachable: log, wait, try again
                log.exception("projection runner could not catch up; retrying")
                backoff = min(backoff * 2, 30.0)


def poll_until(
    store: ViewStore, projections: Sequence[Projection], position: int, timeout: float
) -> bool:
    """Read-your-writes when the runner is another process: poll the tracking positions."""
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        generations = {p.name: store.find_active(p.name) for p in projections}
        reached = all(
            g is not None and store.position(name, g) >= position for name, g in generations.items()
        )
        if reached:
            return True
        if time.monotonic() + pause > deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
