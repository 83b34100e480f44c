"""Opening the application from the environment: SQLite in the var dir, PostgreSQL guarded."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import Environment

from betotrace_es.application import Betotrace, open_application
from betotrace_es.config import store_env
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import Actor, CompanyKind
from tests.builders import belgian_vat

POSTGRES = {
    "PERSISTENCE_MODULE": "eventsourcing.postgres",
    "POSTGRES_HOST": "127.0.0.1",
    "POSTGRES_DBNAME": "betotrace",
    "POSTGRES_USER": "betotrace",
    "POSTGRES_PASSWORD": "secret",
}


def register_a_customer(app: Betotrace) -> UUID:
    """Register a customer company; returns its id."""
    return app.register_company(
        Actor.system(),
        kind=CompanyKind.CUSTOMER,
        legal_name="Bouw BV Config",
        vat_number=belgian_vat(),
        admin_email="admin@config.example.be",
        admin_profile=Profile.parse(first_name="An", last_name="Peeters"),
        admin_password_hash="h",
    ).aggregate.id


def test_empty_environment_opens_a_sqlite_file_in_the_var_dir_that_survives_a_restart(
    tmp_path: Path,
) -> None:
    var = tmp_path / "state" / "var"
    app = open_application({"BETOTRACE_VAR_DIR": str(var)})
    try:
        company_id = register_a_customer(app)
    finally:
        app.close()
    assert (var / "betotrace.sqlite").is_file()

    reopened = open_application({"BETOTRACE_VAR_DIR": str(var)})
    try:
        assert reopened.get_company(company_id).legal_name == "Bouw BV Config"
        assert reopened.user_by_email("admin@config.example.be") is not None
    finally:
        reopened.close()


def test_sqlite_settings_default_to_the_var_dir_and_keep_an_explicit_file(
    tmp_path: Path,
) -> None:
    settings = store_env({"BETOTRACE_VAR_DIR": str(tmp_path / "v")})
    explicit = store_env({"SQLITE_DBNAME": str(tmp_path / "mine.sqlite")})

    assert settings["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert settings["SQLITE_DBNAME"] == str(tmp_path / "v" / "betotrace.sqlite")
    assert explicit["SQLITE_DBNAME"] == str(tmp_path / "mine.sqlite")


@pytest.mark.parametrize("value", ["y", "yes", "TRUE", "1", "on"])
def test_postgres_database_functions_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="POSTGRES_ENABLE_DB_FUNCTIONS"):
        open_application({**POSTGRES, "POSTGRES_ENABLE_DB_FUNCTIONS": value})


def test_postgres_settings_pass_through_with_database_functions_off() -> None:
    settings = store_env({**POSTGRES, "POSTGRES_ENABLE_DB_FUNCTIONS": "n"})

    assert settings["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert settings["POSTGRES_HOST"] == "127.0.0.1"
    assert "SQLITE_DBNAME" not in settings


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param(
            {**POSTGRES, "BETOTRACE_POSTGRES_ENABLE_DB_FUNCTIONS": "y"}, id="prefixed-flag"
        ),
        pytest.param(
            {
                **{k: v for k, v in POSTGRES.items() if k != "PERSISTENCE_MODULE"},
                "BETOTRACE_PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
            },
            id="prefixed-module",
        ),
    ],
)
def test_prefixed_settings_cannot_switch_database_functions_on(
    environ: dict[str, str], tmp_path: Path
) -> None:
    environ = {**environ, "BETOTRACE_VAR_DIR": str(tmp_path)}
    # What the application reads: the prefixed keys win over the plain ones.
    seen = Environment(Betotrace.name, environ)
    assert seen.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
    assert seen.get("POSTGRES_ENABLE_DB_FUNCTIONS") == "y"

    with pytest.raises(ValueError, match="POSTGRES_ENABLE_DB_FUNCTIONS"):
        store_env(environ)


def test_short_module_names_are_understood(tmp_path: Path) -> None:
    sqlite = store_env({"PERSISTENCE_MODULE": "sqlite", "BETOTRACE_VAR_DIR": str(tmp_path)})
    postgres = store_env({**POSTGRES, "PERSISTENCE_MODULE": " postgres "})

    assert sqlite["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert postgres["PERSISTENCE_MODULE"] == "eventsourcing.postgres"


@pytest.mark.postgres
def test_postgres_store_opens_with_the_table_lock_kept(
    postgres_schema_env: dict[str, str],
) -> None:
    app = open_application(postgres_schema_env)
    try:
        assert isinstance(app.recorder, PostgresApplicationRecorder)
        assert app.recorder.datastore.enable_db_functions is False
        assert app.get_company(register_a_customer(app)).legal_name == "Bouw BV Config"
    finally:
        app.close()


@pytest.mark.postgres
def test_prefixed_database_functions_are_refused_on_a_real_server(
    postgres_schema_env: dict[str, str],
) -> None:
    environ = {**postgres_schema_env, "BETOTRACE_POSTGRES_ENABLE_DB_FUNCTIONS": "y"}

    try:
        app = open_application(environ)
    except ValueError:
        return  # refused, as it should be
    try:
        assert isinstance(app.recorder, PostgresApplicationRecorder)
        lock_skipped = app.recorder.datastore.enable_db_functions
    finally:
        app.close()
    pytest.fail(f"the store was opened; database functions on (table lock skipped): {lock_skipped}")
