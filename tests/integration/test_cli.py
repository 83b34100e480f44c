"""The betotrace command on the embedded default: create-company and demo-data."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from click.testing import CliRunner

from api.cli import main
from betotrace_es.application import Betotrace
from betotrace_es.demo import DEMO_PASSWORD, demo_logins
from betotrace_es.passwords import verify_password


def invoke(var: Path, *args: str) -> str:
    result = CliRunner(env={"BETOTRACE_VAR_DIR": str(var), "PERSISTENCE_MODULE": ""}).invoke(
        main, list(args)
    )
    assert result.exit_code == 0, result.output
    return result.output


def store(var: Path) -> Betotrace:
    return Betotrace(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(var / "betotrace.sqlite"),
        }
    )


def test_create_company_registers_it_with_its_admin_and_prints_the_ids(tmp_path: Path) -> None:
    output = invoke(
        tmp_path,
        "create-company",
        "--kind",
        "supplier",
        "--name",
        "Beton Oost NV",
        "--vat",
        "BE0403170701",
        "--admin-email",
        "baas@oost.example.be",
        "--admin-password",
        "een-lang-wachtwoord",
    )
    ids = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)

    app = store(tmp_path)
    try:
        company = app.get_company(UUID(ids["company_id"]))
        admin = app.user_by_email("baas@oost.example.be")
        assert company.legal_name == "Beton Oost NV"
        assert admin is not None
        assert admin.id == UUID(ids["admin_user_id"])
        assert verify_password(admin.password_hash, "een-lang-wachtwoord")
    finally:
        app.close()


def test_create_company_refuses_a_bad_vat_number_naming_it(tmp_path: Path) -> None:
    result = CliRunner(env={"BETOTRACE_VAR_DIR": str(tmp_path)}).invoke(
        main,
        [
            "create-company",
            "--kind",
            "customer",
            "--name",
            "Bouw BV",
            "--vat",
            "BE0000000001",
            "--admin-email",
            "a@bouw.example.be",
            "--admin-password",
            "een-lang-wachtwoord",
        ],
    )
    assert result.exit_code != 0
    assert "vat" in result.output.lower()


def test_demo_data_loads_once_and_always_prints_the_logins(tmp_path: Path) -> None:
    first = invoke(tmp_path, "demo-data")
    second = invoke(tmp_path, "demo-data")

    assert "Demo data loaded." in first
    assert "Demo data already loaded." in second
    for login in demo_logins():
        assert login.email in second
    app = store(tmp_path)
    try:
        user = app.user_by_email(demo_logins()[0].email)
        assert user is not None
        assert verify_password(user.password_hash, DEMO_PASSWORD)
        assert (app.recorder.max_notification_id() or 0) > 0
    finally:
        app.close()
