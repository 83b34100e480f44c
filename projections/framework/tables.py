"""Portable table definitions: one description, DDL for SQLite and for PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

# Column types: text, int (64-bit), real, json (stored as text). Booleans are ints 0/1 and
# moments are int microseconds since the epoch, so sorting and ranges behave the same everywhere.
SQLITE_TYPES = {"text": "TEXT", "int": "INTEGER", "real": "REAL", "json": "TEXT"}
POSTGRES_TYPES = {"text": "TEXT", "int": "BIGINT", "real": "DOUBLE PRECISION", "json": "TEXT"}


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

    def create_statements(self, physical: str, qualify: str, postgres: bool) -> list[str]:
        """CREATE TABLE and CREATE INDEX statements for the physical table ``physical``."""
        types = POSTGRES_TYPES if postgres else SQLITE_TYPES
        columns = ", ".join(f"{name} {types[kind]}" for name, kind in self.columns)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {qualify}{physical} ({columns}, PRIMARY KEY ({', '.join(self.key)}))"
        ]
        for number, index in enumerate(self.indexes):
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {physical}_i{number} ON {qualify}{physical} ({', '.join(index)})"
            )
        return statements

    def upsert_statement(self, target: str) -> str:
        """INSERT … ON CONFLICT DO UPDATE of a whole row (``?`` placeholders)."""
        names = self.column_names
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in self.key) or None
        conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        return (
            f"INSERT INTO {target} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({', '.join(self.key)}) {conflict}"
        )

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
