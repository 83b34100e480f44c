"""The mail settings: environment variables with safe defaults (README "Configuration")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from betotrace_es.config import positive_number, var_dir

SECURITY = ("none", "starttls", "tls")


@dataclass(frozen=True)
class MailSettings:
    """Where and how e-mail goes out, and how hard the sender tries."""

    smtp_host: str | None
    smtp_port: int
    security: str
    user: str | None
    password: str | None
    sender: str
    mail_dir: Path
    max_attempts: int = 8
    max_age_hours: float = 72.0  # never-tried mail about older events is skipped, not sent
    backoff_seconds: float = 30.0
    max_backoff_seconds: float = 3600.0
    poll_seconds: float = 5.0
    lease_seconds: float = 300.0
    timeout_seconds: float = 30.0
    embedded: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MailSettings:
        """Read the ``BETOTRACE_SMTP_*`` and ``BETOTRACE_MAIL_*`` variables."""
        env = os.environ if environ is None else environ
        host = env.get("BETOTRACE_SMTP_HOST", "").strip() or None
        security = (
            env.get("BETOTRACE_SMTP_SECURITY", "starttls" if host else "none").strip().lower()
        )
        if security not in SECURITY:
            msg = "BETOTRACE_SMTP_SECURITY must be none, starttls or tls"
            raise ValueError(msg)
        default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
        mode = env.get("BETOTRACE_MAIL_SENDER", "embedded").strip().lower()
        if mode not in ("embedded", "external"):
            msg = "BETOTRACE_MAIL_SENDER must be 'embedded' or 'external'"
            raise ValueError(msg)
        mail_dir = env.get("BETOTRACE_MAIL_DIR", "").strip()
        return cls(
            smtp_host=host,
            smtp_port=int(positive_number(env, "BETOTRACE_SMTP_PORT", default_port)),
            security=security,
            user=env.get("BETOTRACE_SMTP_USER", "").strip() or None,
            password=env.get("BETOTRACE_SMTP_PASSWORD") or None,
            sender=env.get("BETOTRACE_MAIL_FROM", "").strip()
            or "Betotrace <noreply@betotrace.local>",
            mail_dir=Path(mail_dir) if mail_dir else var_dir(env) / "mail",
            max_attempts=int(positive_number(env, "BETOTRACE_MAIL_MAX_ATTEMPTS", cls.max_attempts)),
            backoff_seconds=positive_number(
                env, "BETOTRACE_MAIL_BACKOFF_SECONDS", cls.backoff_seconds
            ),
            poll_seconds=positive_number(env, "BETOTRACE_MAIL_POLL_SECONDS", cls.poll_seconds),
            max_age_hours=positive_number(env, "BETOTRACE_MAIL_MAX_AGE_HOURS", cls.max_age_hours),
            embedded=mode == "embedded",
        )
