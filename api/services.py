"""The one composition root of a server process: application, read models, API state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from api.settings import ApiSettings
from api.state import ApiState
from betotrace_es.application import Betotrace, open_application
from betotrace_es.application.signals import events_recorded
from projections.framework.source import EventSource
from projections.framework.wiring import view_store
from projections.read_side import ReadModels


@dataclass
class Services:
    """What the route handlers use; built once per process."""

    app: Betotrace
    read: ReadModels
    state: ApiState
    settings: ApiSettings

    def close(self) -> None:
        """Stop the embedded runner and close the store."""
        events_recorded.disconnect(self.read.events_recorded, sender=self.app)
        self.read.stop()
        self.app.close()


def open_services(
    environ: Mapping[str, str] | None = None, settings: ApiSettings | None = None
) -> Services:
    """Open the configured store; run the read models in-process unless told otherwise."""
    settings = settings or ApiSettings.from_env(environ)
    app = open_application(environ)
    return build_services(app, settings)


def build_services(app: Betotrace, settings: ApiSettings) -> Services:
    """Services over an open application."""
    if settings.embedded_projections:
        read = ReadModels.embedded(app.factory, app.recorder, app.mapper)
    else:
        read = ReadModels(view_store(app.factory), EventSource(app.recorder, app.mapper))
    events_recorded.connect(read.events_recorded, sender=app)
    read.start()
    return Services(app, read, ApiState(app.factory), settings)
