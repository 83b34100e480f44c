"""The API's settings: environment variables with safe defaults (README "Configuration")."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from betotrace_es.config import positive_number, var_dir

SECRET_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
DEFAULT_MAP_ATTRIBUTION = "© OpenStreetMap contributors"
TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")


def secret_key(env: Mapping[str, str]) -> str:
    """``BETOTRACE_SECRET_KEY``, else one generated once and kept in ``var/secret_key``."""
    given = env.get("BETOTRACE_SECRET_KEY", "").strip()
    if given:
        return given
    path = var_dir(env) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return Path(path).read_text().strip()


def map_tiles_url(env: Mapping[str, str]) -> str:
    """``BETOTRACE_MAP_TILES_URL``: an http(s) URL template with ``{z}``, ``{x}`` and ``{y}``.

    Unset (the default) means no map at all, so no page asks anything of another host.
    """
    url = env.get("BETOTRACE_MAP_TILES_URL", "").strip()
    if not url:
        return ""
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        msg = "BETOTRACE_MAP_TILES_URL must be an http(s) URL"
        raise ValueError(msg)
    if not all(placeholder in url for placeholder in TILE_PLACEHOLDERS):
        msg = "BETOTRACE_MAP_TILES_URL must contain {z}, {x} and {y}"
        raise ValueError(msg)
    return url


@dataclass(frozen=True)
class ApiSettings:
    """Everything the HTTP layer can be told."""

    secret_key: str
    base_url: str = "http://127.0.0.1:8000"
    token_hours: float = 12.0
    max_body_bytes: int = 256 * 1024
    login_window_seconds: float = 900.0
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    min_position_timeout: float = 5.0
    embedded_projections: bool = True
    map_tiles_url: str = ""
    map_attribution: str = DEFAULT_MAP_ATTRIBUTION

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ApiSettings:
        """Read the ``BETOTRACE_*`` variables."""
        env = os.environ if environ is None else environ
        mode = env.get("BETOTRACE_PROJECTIONS", "embedded").strip().lower()
        if mode not in ("embedded", "external"):
            msg = "BETOTRACE_PROJECTIONS must be 'embedded' or 'external'"
            raise ValueError(msg)
        return cls(
            secret_key=secret_key(env),
            base_url=env.get("BETOTRACE_BASE_URL", cls.base_url).rstrip("/"),
            token_hours=positive_number(env, "BETOTRACE_TOKEN_HOURS", cls.token_hours),
            max_body_bytes=int(
                positive_number(env, "BETOTRACE_MAX_BODY_BYTES", cls.max_body_bytes)
            ),
            login_window_seconds=positive_number(
                env, "BETOTRACE_LOGIN_WINDOW_SECONDS", cls.login_window_seconds
            ),
            login_failures_per_account=int(
                positive_number(
                    env, "BETOTRACE_LOGIN_FAILURES_PER_ACCOUNT", cls.login_failures_per_account
                )
            ),
            login_failures_per_address=int(
                positive_number(
                    env, "BETOTRACE_LOGIN_FAILURES_PER_ADDRESS", cls.login_failures_per_address
                )
            ),
            min_position_timeout=positive_number(
                env, "BETOTRACE_MIN_POSITION_TIMEOUT", cls.min_position_timeout
            ),
            embedded_projections=mode == "embedded",
            map_tiles_url=map_tiles_url(env),
            map_attribution=env.get("BETOTRACE_MAP_ATTRIBUTION", DEFAULT_MAP_ATTRIBUTION).strip(),
        )
