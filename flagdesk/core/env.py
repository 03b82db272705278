# SPDX-License-Identifier: EUPL-1.2
"""Settings from environment variables, each documented where it is defined.

Every call registers the variable with its help text in ``REGISTRY``; the docs test
checks that docs/configuration.md mentions each one, so a new setting can't go
undocumented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str
    group: str
    secret: bool = False


REGISTRY: dict[str, Variable] = {}


def _register(name: str, default: object, help: str, group: str, secret: bool = False) -> None:
    REGISTRY[name] = Variable(name, "" if default is None else str(default), help, group, secret)


def env_str(name: str, default: str, *, help: str, group: str = "General") -> str:
    _register(name, default, help, group)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool, *, help: str, group: str = "General") -> bool:
    _register(name, "true" if default else "false", help, group)
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, help: str, group: str = "General") -> int:
    _register(name, default, help, group)
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return int(value)


def env_list(name: str, default: list[str], *, help: str, group: str = "General") -> list[str]:
    _register(name, ",".join(default), help, group)
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, *, help: str, group: str = "Security") -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/systemd secrets)."""
    _register(
        name,
        None,
        help + f" Can also be read from the file named by `{name}_FILE`.",
        group,
        secret=True,
    )
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    return os.environ.get(name) or None
