# SPDX-License-Identifier: EUPL-1.2
"""Which constraint a database error is about, the same way on PostgreSQL and SQLite.

PostgreSQL names the constraint (``diag.constraint_name``); SQLite names a CHECK constraint
but reports a unique one by its columns ("UNIQUE constraint failed: table.col, table.col"),
so those are matched to the model's own unique constraints by their column sets. Code that
expects one constraint checks for it by name and treats every other error as a fault.
"""

from __future__ import annotations

import re

from django.db import DatabaseError, models

_SQLITE_UNIQUE = re.compile(r"^UNIQUE constraint failed: (?P<columns>[\w., ]+)$")
_SQLITE_CHECK = re.compile(r"^CHECK constraint failed: (?P<name>\w+)$")


def violated_constraint(exc: DatabaseError, model: type[models.Model]) -> str | None:
    """The name of the constraint of ``model`` that ``exc`` reports, or None."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # psycopg
        return getattr(diag, "constraint_name", None)
    message = str(cause or exc).strip()
    check = _SQLITE_CHECK.match(message)
    if check:
        return check["name"]
    unique = _SQLITE_UNIQUE.match(message)
    if unique:
        return _unique_constraint_on(model, _columns(unique["columns"], model._meta.db_table))
    return None


def describe(exc: DatabaseError, model: type[models.Model]) -> str:
    """A short, data-free description for the log: the constraint or the SQLSTATE."""
    name = violated_constraint(exc, model)
    if name:
        return f" (constraint {name})"
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return f" (SQLSTATE {sqlstate})" if sqlstate else ""


def _columns(listed: str, table: str) -> frozenset[str]:
    prefix = f"{table}."
    return frozenset(
        part.strip().removeprefix(prefix) for part in listed.split(",") if part.strip()
    )


def _unique_constraint_on(model: type[models.Model], columns: frozenset[str]) -> str | None:
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            own = frozenset(_column(model, name) for name in constraint.fields)
            if own == columns:
                return constraint.name
    return None


def _column(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)  # a constraint names concrete fields
    return str(field.column)
