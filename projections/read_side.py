"""The read side as the API uses it: query objects, read-your-writes, an embedded runner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, Mapper

from projections.branch_directory.queries import DirectoryQueries
from projections.catalog import all_projections
from projections.company_settings.queries import SettingsQueries
from projections.framework.leadership import Leadership
from projections.framework.projection import Projection
from projections.framework.runner import ProjectionRunner, poll_until
from projections.framework.source import EventSource
from projections.framework.store import PostgresViewStore, ViewStore
from projections.framework.wiring import view_store
from projections.notifications.queries import FeedQueries
from projections.order_list.queries import OrderListQueries
from projections.order_status.queries import OrderStatusQueries

COALESCE_SECONDS = 0.02  # the embedded runner gathers a burst of commands into one batch


class ReadModels:
    """Every read model's queries over one store, and a way to wait for a position."""

    def __init__(
        self,
        store: ViewStore,
        source: EventSource,
        projections: Sequence[Projection] | None = None,
        runner: ProjectionRunner | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.projections = list(projections or all_projections())
        self.runner = runner
        self.leadership: Leadership | None = None
        self.orders = OrderListQueries(store)
        self.order_status = OrderStatusQueries(store)
        self.directory = DirectoryQueries(store)
        self.settings = SettingsQueries(store)
        self.notifications = FeedQueries(store)

    @classmethod
    def embedded(
        cls, factory: InfrastructureFactory[Any], recorder: ApplicationRecorder, mapper: Mapper[Any]
    ) -> ReadModels:
        """Read models kept up to date by a runner thread inside this process."""
        store = view_store(factory)
        source = EventSource(recorder, mapper)
        projections = all_projections()
        # Several server processes on one PostgreSQL store: one runner writes (leadership.py).
        leads = Leadership(store.connect) if isinstance(store, PostgresViewStore) else None
        runner = ProjectionRunner(
            store, source, projections, leads=leads, coalesce_seconds=COALESCE_SECONDS
        )
        models = cls(store, source, projections, runner)
        models.leadership = leads
        return models

    def start(self) -> None:
        """Catch up once, then keep up in the background (embedded mode)."""
        if self.runner is not None:
            self.runner.catch_up()
            self.runner.start()

    def stop(self) -> None:
        """Stop the background runner, if any, and give up its lead."""
        if self.runner is not None:
            self.runner.stop()
        if self.leadership is not None:
            self.leadership.close()

    def events_recorded(self, _sender: object, **_kwargs: Any) -> None:
        """Receiver of the application's events-recorded signal: wake the runner."""
        if self.runner is not None:
            self.runner.wake()

    def wait_until(self, position: int, timeout: float = 2.0) -> bool:
        """Whether every read model has processed ``position`` within ``timeout`` seconds."""
        if self.runner is not None:
            return self.runner.wait_until(position, timeout)
        return poll_until(self.store, self.projections, position, timeout)
