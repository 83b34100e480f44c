"""`betotrace serve`: gunicorn with several workers comes up on a store nobody used yet."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.notify_support import free_port


def _status(url: str, body: dict[str, str] | None = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.postgres
def test_two_workers_start_together_on_a_new_postgres_store_and_answer(
    postgres_schema_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    command = [str(Path(sys.executable).parent / "betotrace"), "serve", "--port", str(port)]
    env = {**os.environ, **postgres_schema_env, "BETOTRACE_VAR_DIR": str(tmp_path)}
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    if _status(f"{base}/api/openapi.json") == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            login = {"email": "nobody@example.be", "password": "not-the-password"}
            answers = [_status(f"{base}/api/auth/token", login) for _ in range(4)]
            time.sleep(1)  # a worker that failed to boot has said so by now
            alive = server.poll() is None
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    output = log.read_text()
    assert alive, output
    assert answers == [401] * 4, output
    assert output.count("Booting worker") == 2, output
    assert "Worker failed to boot" not in output
