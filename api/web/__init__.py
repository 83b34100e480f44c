"""The server-rendered web UI over the same application commands and read models as the API."""

from __future__ import annotations

from flask import Flask


def init_web(app: Flask) -> None:
    """Register the web UI on the app (after the API and its error handlers)."""
    from api.web import (  # noqa: F401 (their routes)
        auth_views,
        branches_views,
        contacts_views,
        new_order,
        notifications_views,
        order_commands,
        order_page,
        orders_list,
        products_views,
        profile_views,
        settings_views,
        users_views,
    )
    from api.web.blueprint import bp
    from api.web.errors import init_errors
    from api.web.i18n import init_i18n
    from api.web.notifications_views import init_notifications
    from api.web.session import init_sessions

    init_i18n(app)
    init_notifications(app)
    init_sessions(app)
    app.register_blueprint(bp)
    init_errors(app)
