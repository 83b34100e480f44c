"""The operator's tools on the embedded default: `betotrace send-mail --once`, scripts/outbox.py."""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from api.cli import main
from betotrace_es.application import Betotrace
from projections.framework.wiring import open_read_side
from projections.notifications.outbox import DEAD, OutboxStore
from projections.read_side import ReadModels
from tests.builders import build_world
from tests.scripts import load_script


def outbox_script() -> ModuleType:
    return load_script("outbox")


@pytest.fixture
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A var dir with a world in its store; no SMTP host, so mail goes to var/mail."""
    for name in ("PERSISTENCE_MODULE", "SQLITE_DBNAME", "BETOTRACE_SMTP_HOST", "POSTGRES_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BETOTRACE_VAR_DIR", str(tmp_path))
    app = Betotrace(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "betotrace.sqlite"),
        }
    )
    try:
        world = build_world(app)
        world.request()
    finally:
        app.close()
    return tmp_path


def test_send_mail_once_writes_eml_files_and_the_script_lists_them_as_sent(
    var: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    side = open_read_side()
    read = ReadModels.embedded(side.factory, side.source.recorder, side.source.mapper)
    assert read.runner is not None
    read.runner.catch_up()

    result = CliRunner().invoke(main, ["send-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert "6 mails sent" in result.output  # 4 invitations, 2 supplier staff
    assert len(list((var / "mail").glob("*.eml"))) == 6
    assert outbox_script().main(["list", "--status", "sent"]) == 0
    listing = capsys.readouterr().out
    assert "order_requested" in listing
    assert "sent: 6" in listing


def test_retry_puts_dead_mail_back(var: Path, capsys: pytest.CaptureFixture[str]) -> None:
    side = open_read_side()
    read = ReadModels.embedded(side.factory, side.source.recorder, side.source.mapper)
    assert read.runner is not None
    read.runner.catch_up()
    outbox = OutboxStore(side.store)
    [first, *_] = outbox.claim(int(time.time() * 1e6), 0, limit=1)
    outbox.mark_failed(first.message_id, "550 no such mailbox", 0, dead=True)

    assert outbox_script().main(["retry", first.message_id]) == 0

    assert "1 messages will be sent again" in capsys.readouterr().out
    assert outbox.messages(DEAD) == []
