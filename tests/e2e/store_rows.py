"""What a store holds, read with plain SQL beside the server (SQLite file or PostgreSQL schema)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from psycopg import sql

from tests.pg_cluster import connect


def rows(env: dict[str, str], table: str, columns: str = "*") -> list[dict[str, Any]]:
    """Every row of ``table`` in the store of ``env``, as dictionaries."""
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with closing(sqlite3.connect(env["SQLITE_DBNAME"])) as lite:
            lite.row_factory = sqlite3.Row
            found = lite.execute(f"SELECT {columns} FROM {table}").fetchall()
            return [dict(row) for row in found]
    query = sql.SQL("SELECT {} FROM {}.{}").format(
        sql.SQL(columns), sql.Identifier(env["POSTGRES_SCHEMA"]), sql.Identifier(table)
    )
    with connect(env) as conn, conn.cursor() as cursor:
        cursor.execute(query)
        names = [column.name for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
