"""The one composition root of a server process: application, read models, API state, mail."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import LRUCache

from api.settings import ApiSettings
from api.state import ApiState
from betotrace_es.application import Betotrace, open_application
from betotrace_es.application.signals import events_recorded
from betotrace_es.mail.render import Renderer
from betotrace_es.mail.sender import MailSender
from betotrace_es.mail.settings import MailSettings
from betotrace_es.mail.transport import transport_for
from projections.framework.source import EventSource
from projections.framework.store import ViewStore
from projections.framework.wiring import view_store
from projections.notifications.outbox import OutboxStore
from projections.read_side import ReadModels


@dataclass
class Services:
    """What the route handlers use; built once per process."""

    app: Betotrace
    read: ReadModels
    state: ApiState
    settings: ApiSettings
    mail: MailSender | None = None
    # Token hash → (principal, (company version, user version)) it was built at (api.auth).
    principals: LRUCache[str, tuple[Any, tuple[int | None, int | None]]] = field(
        default_factory=lambda: LRUCache(maxsize=10_000)
    )

    def close(self) -> None:
        """Stop the embedded runner and sender, and close the store."""
        events_recorded.disconnect(self.read.events_recorded, sender=self.app)
        if self.mail is not None:
            events_recorded.disconnect(self.mail.events_recorded, sender=self.app)
            self.mail.stop()
        self.read.stop()
        self.app.close()


def open_services(
    environ: Mapping[str, str] | None = None, settings: ApiSettings | None = None
) -> Services:
    """Open the configured store; run the read models in-process unless told otherwise."""
    settings = settings or ApiSettings.from_env(environ)
    app = open_application(environ)
    return build_services(app, settings, MailSettings.from_env(environ))


def build_services(
    app: Betotrace, settings: ApiSettings, mail: MailSettings | None = None
) -> Services:
    """Services over an open application (with the embedded mail sender unless told otherwise)."""
    if settings.embedded_projections:
        read = ReadModels.embedded(app.factory, app.recorder, app.mapper)
    else:
        read = ReadModels(view_store(app.factory), EventSource(app.recorder, app.mapper))
    events_recorded.connect(read.events_recorded, sender=app)
    read.start()
    state = ApiState(app.factory, app.recorder.events_table_name)  # type: ignore[attr-defined]
    services = Services(app, read, state, settings)
    mail = mail or MailSettings.from_env(os.environ)
    if mail.embedded:
        if read.runner is not None:  # the runner says when it wrote (outbox rows among them)
            services.mail = mail_sender(read.store, settings, mail)
            read.runner.on_written(services.mail.wake)
        else:  # another process runs the projections: wait for them after each command
            timeout = settings.min_position_timeout
            services.mail = mail_sender(
                read.store, settings, mail, lambda position: read.wait_until(position, timeout)
            )
            events_recorded.connect(services.mail.events_recorded, sender=app)
        services.mail.start()
    return services


def mail_sender(
    store: ViewStore,
    settings: ApiSettings,
    mail: MailSettings,
    wait_for: Callable[[int], object] | None = None,
) -> MailSender:
    """The outbox sender over the read models' store (embedded, or ``betotrace send-mail``)."""
    outbox = OutboxStore(store)
    outbox.ensure_tables()
    renderer = Renderer(settings.base_url, settings.secret_key, mail.sender)
    return MailSender(outbox, transport_for(mail), renderer, mail, wait_for=wait_for)
