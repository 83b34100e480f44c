"""Portable table definitions: one description, DDL for SQLite and for PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

# Column types: text, int (64-bit), real, json (stored as text). Booleans are ints 0/1 and
# moments are int microseconds since the epoch, so sorting and ranges behave the same everywhere.
SQLITE_TYPES = {"text": "TEXT", "int": "INTEGER", "real": "REAL", "json": "TEXT"}
POSTGRES_TYPES = {"text": "TEXT", "int": "BIGINT", "real": "DOUBLE PRECISION", "json": "TEXT"}
COPY_TYPES = {"text": "text", "int": "int8", "real": "float8", "json": "text"}


@dataclass(frozen=True)
class Table:
    """A table of a read model: columns, primary key and secondary indexes."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(name for name, _ in self.columns)

    def create_statements(
        self, physical: str, qualify: str, postgres: bool, *, indexes: bool = True
    ) -> list[str]:
        """CREATE TABLE (and, unless ``indexes`` is false, CREATE INDEX) statements for the
        physical table ``physical``."""
        types = POSTGRES_TYPES if postgres else SQLITE_TYPES
        columns = ", ".join(f"{name} {types[kind]}" for name, kind in self.columns)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {qualify}{physical} ({columns}, PRIMARY KEY ({', '.join(self.key)}))"
        ]
        return statements + (self.index_statements(physical, qualify) if indexes else [])

    def index_statements(self, physical: str, qualify: str) -> list[str]:
        """CREATE INDEX IF NOT EXISTS of each secondary index (idempotent: safe to repeat)."""
        return [
            f"CREATE INDEX IF NOT EXISTS {physical}_i{number} ON {qualify}{physical} ({', '.join(index)})"
            for number, index in enumerate(self.indexes)
        ]

    def upsert_statement(self, target: str, source: str | None = None) -> str:
        """INSERT … ON CONFLICT DO UPDATE of whole rows: one row (``?`` placeholders), or
        every row of the table ``source`` (of the same columns)."""
        names = ", ".join(self.column_names)
        updates = ", ".join(f"{n} = excluded.{n}" for n in self.column_names if n not in self.key)
        conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        rows = (
            f"VALUES ({', '.join('?' for _ in self.column_names)})"
            if source is None
            else f"SELECT {names} FROM {source}"
        )
        return (
            f"INSERT INTO {target} ({names}) {rows} ON CONFLICT ({', '.join(self.key)}) {conflict}"
        )

    def add_statement(self, target: str, columns: list[str]) -> str:
        """INSERT of one row (``?`` placeholders), or, if its key exists, adding to ``columns``
        (one more ``?`` each, the amounts, after the row's values)."""
        names = ", ".join(self.column_names)
        adds = ", ".join(f"{c} = {target}.{c} + ?" for c in columns)
        return (
            f"INSERT INTO {target} ({names}) VALUES ({', '.join('?' for _ in self.column_names)}) "
            f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET {adds}"
        )

    def staging_statement(self, name: str) -> str:
        """A PostgreSQL temporary table of the same columns, emptied at every commit."""
        columns = ", ".join(f"{n} {POSTGRES_TYPES[kind]}" for n, kind in self.columns)
        return f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS"

    @property
    def copy_types(self) -> list[str]:
        """The PostgreSQL type of each column, for a binary COPY."""
        return [COPY_TYPES[kind] for _, kind in self.columns]

    def insert_new_statement(self, target: str) -> str:
        """INSERT … ON CONFLICT DO NOTHING of a whole row (``?`` placeholders)."""
        names = self.column_names
        return (
            f"INSERT INTO {target} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({', '.join(self.key)}) DO NOTHING"
        )

    def delete_statement(self, target: str) -> str:
        """DELETE of one row by its key (``?`` placeholders)."""
        return f"DELETE FROM {target} WHERE {' AND '.join(f'{k} = ?' for k in self.key)}"
