"""The web UI's blueprint: its pages, its static files, its HTML error pages."""

from __future__ import annotations

from flask import Blueprint, request

from api.http import services

bp = Blueprint(
    "web", __name__, static_folder="static", static_url_path="/assets", template_folder=None
)


def read_own_write() -> None:
    """Wait (bounded) until the read models show the command a redirect named in ``?p=``."""
    position = request.args.get("p", type=int)
    if position:
        found = services()
        found.read.wait_until(position, found.settings.min_position_timeout)
