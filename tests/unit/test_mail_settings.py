"""Mail settings from the environment: embedded default, SMTP, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from betotrace_es.mail.settings import MailSettings
from betotrace_es.mail.transport import DirectoryTransport, SmtpTransport, transport_for


def test_without_an_smtp_host_mail_goes_to_the_var_mail_directory() -> None:
    settings = MailSettings.from_env({"BETOTRACE_VAR_DIR": "/srv/bt"})
    assert settings.mail_dir == Path("/srv/bt/mail")
    assert isinstance(transport_for(settings), DirectoryTransport)


def test_an_smtp_host_defaults_to_starttls_on_587_and_takes_credentials() -> None:
    settings = MailSettings.from_env(
        {
            "BETOTRACE_SMTP_HOST": "smtp.example.be",
            "BETOTRACE_SMTP_USER": "bt",
            "BETOTRACE_SMTP_PASSWORD": "pw",
            "BETOTRACE_MAIL_FROM": "Betotrace <no-reply@example.be>",
            "BETOTRACE_MAIL_MAX_ATTEMPTS": "5",
        }
    )
    assert (settings.security, settings.smtp_port, settings.user) == ("starttls", 587, "bt")
    assert settings.sender == "Betotrace <no-reply@example.be>"
    assert settings.max_attempts == 5
    assert isinstance(transport_for(settings), SmtpTransport)


def test_implicit_tls_defaults_to_port_465() -> None:
    settings = MailSettings.from_env(
        {"BETOTRACE_SMTP_HOST": "smtp.example.be", "BETOTRACE_SMTP_SECURITY": "TLS"}
    )
    assert (settings.security, settings.smtp_port) == ("tls", 465)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BETOTRACE_SMTP_SECURITY", "ssl3"),
        ("BETOTRACE_SMTP_PORT", "nope"),
        ("BETOTRACE_MAIL_MAX_ATTEMPTS", "0"),
        ("BETOTRACE_MAIL_SENDER", "both"),
    ],
)
def test_a_wrong_setting_is_refused_naming_it(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        MailSettings.from_env({"BETOTRACE_SMTP_HOST": "smtp.example.be", name: value})
