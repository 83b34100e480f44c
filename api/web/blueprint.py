"""The web UI's blueprint: its pages, its static files, its HTML error pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "web", __name__, static_folder="static", static_url_path="/assets", template_folder=None
)
