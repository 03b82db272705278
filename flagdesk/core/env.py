# SPDX-License-Identifier: EUPL-1.2
"""Settings from environment variables, each documented where it is defined.

Every call registers the variable with its help text in ``REGISTRY``; the docs test
checks that docs/configuration.md mentions each one, so a new setting can't go
undocumented.

Parsing is strict: a value that does not mean exactly one thing (``true   # comment``, an
unknown boolean, a path with a space, a URL without a host) is an error naming the
variable, collected in ``ERRORS`` and raised together by ``raise_errors()`` at the end of
the settings. An environment file read by systemd keeps an inline comment as part of the
value, so reading such a value as "false" or as a path silently changes what runs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str
    group: str
    secret: bool = False


class ConfigError(ImproperlyConfigured):
    """One or more settings in the environment cannot be read; each line names one."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


REGISTRY: dict[str, Variable] = {}
# What each variable resolved to (after defaults), for `flagdesk check-config`.
RESOLVED: dict[str, object] = {}
ERRORS: list[str] = []
# `flagdesk check-config` evaluates the settings without creating directories or keys.
DRY_RUN = False

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
# systemd's EnvironmentFile has no inline comments: "true   # why" is the whole value.
_INLINE_COMMENT = re.compile(r"\s#")
URL_SCHEMES = {
    "DATABASE_URL": {"sqlite", "postgres", "postgresql"},
    "FLAGDESK_SMTP_URL": {"smtp", "smtp+starttls", "smtps"},
    "FLAGDESK_IMAP_URL": {"imap", "imap+starttls", "imaps"},
}


def _register(name: str, default: object, help: str, group: str, secret: bool = False) -> None:
    REGISTRY[name] = Variable(name, "" if default is None else str(default), help, group, secret)


def _error(name: str, problem: str) -> None:
    ERRORS.append(f"{name}: {problem}")


def _raw(name: str) -> str | None:
    """The variable's value, or None (and an error) when it carries an inline comment."""
    value = os.environ.get(name)
    if value is not None and _INLINE_COMMENT.search(value):
        _error(
            name,
            "the value has an inline comment (' #…'); environment files allow comments only "
            "on lines of their own",
        )
        return None
    return value


def _resolved(name: str, value: object) -> object:
    RESOLVED[name] = value
    return value


def env_str(name: str, default: str, *, help: str, group: str = "General") -> str:
    _register(name, default, help, group)
    value = _raw(name)
    return str(_resolved(name, default if value is None else value))


def env_bool(name: str, default: bool, *, help: str, group: str = "General") -> bool:
    _register(name, "true" if default else "false", help, group)
    value = _raw(name)
    if value is None or value.strip() == "":
        return bool(_resolved(name, default))
    word = value.strip().lower()
    if word not in TRUE | FALSE:
        _error(name, f"{value!r} is not a boolean; use true or false")
        return bool(_resolved(name, default))
    return bool(_resolved(name, word in TRUE))


def env_int(name: str, default: int, *, help: str, group: str = "General") -> int:
    _register(name, default, help, group)
    value = _raw(name)
    if value is None or value.strip() == "":
        return int(str(_resolved(name, default)))
    try:
        number = int(value)
    except ValueError:
        _error(name, f"{value!r} is not a whole number")
        number = default
    return int(str(_resolved(name, number)))


def env_list(name: str, default: list[str], *, help: str, group: str = "General") -> list[str]:
    _register(name, ",".join(default), help, group)
    value = _raw(name)
    if value is None:
        return list(_resolved(name, default))  # type: ignore[call-overload]
    items = [item.strip() for item in value.split(",") if item.strip()]
    return list(_resolved(name, items))  # type: ignore[call-overload]


def env_date(name: str, *, help: str, group: str = "General") -> dt.date | None:
    """A calendar date written as ISO 8601 (``2025-05-19``), or None when unset or empty."""
    _register(name, None, help, group)
    value = _raw(name)
    day = None if value is None or value.strip() == "" else _parse_date(name, value)
    _resolved(name, day)
    return day


def _parse_date(name: str, value: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        _error(name, f"{value!r} is not a date written as YYYY-MM-DD")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _error(name, f"{value!r} is no date in the calendar")
        return None


def path_problem(value: str) -> str | None:
    """Why ``value`` is no usable path, or None. Spaces and ``#`` are refused: in an
    environment file they are almost always a comment or a typo, never a directory name."""
    if not value.strip():
        return "is empty"
    if re.search(r"[\s#]", value):
        return (
            f"{value!r} contains a space or '#' (an inline comment? they go on lines of their own)"
        )
    return None


def env_path(name: str, default: str, *, help: str, group: str = "General") -> Path:
    _register(name, default, help, group)
    value = _raw(name)
    if value is None or value == "":
        value = default
    elif problem := path_problem(value):
        _error(name, problem)
        value = default
    return Path(str(_resolved(name, Path(value).absolute())))


def url_problem(name: str, value: str) -> str | None:
    """Why ``value`` is no URL ``name`` can use, or None; never repeats the value (passwords)."""
    schemes = URL_SCHEMES.get(name, {"http", "https"})
    if re.search(r"\s", value):
        return "the URL contains white space"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError as bad:
        return f"not a URL ({bad})"
    if parts.scheme.lower() not in schemes:
        return f"the scheme must be one of {', '.join(sorted(schemes))}, not {parts.scheme!r}"
    if parts.scheme != "sqlite" and not parts.hostname:
        return "the URL has no host"
    return None


def env_url(name: str, default: str, *, help: str, group: str = "General") -> str:
    _register(name, default, help, group)
    value = _raw(name)
    if value is None or value == "":
        return str(_resolved(name, default))
    if problem := url_problem(name, value):
        _error(name, problem)
        return str(_resolved(name, default))
    return str(_resolved(name, value))


def env_secret(name: str, *, help: str, group: str = "Security", url: bool = False) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/systemd secrets)."""
    _register(
        name,
        None,
        help + f" Can also be read from the file named by `{name}_FILE`.",
        group,
        secret=True,
    )
    value = _secret_value(name)
    if value and url and (problem := url_problem(name, value)):
        _error(name, problem)
        value = None
    RESOLVED[name] = value
    return value


def _secret_value(name: str) -> str | None:
    path = _raw(f"{name}_FILE")
    if path:
        if problem := path_problem(path):
            _error(f"{name}_FILE", problem)
            return None
        try:
            with open(path, encoding="utf-8") as handle:
                value = handle.read().strip()
        except OSError as unreadable:
            _error(f"{name}_FILE", f"cannot read {path}: {unreadable.strerror}")
            return None
        if not value:
            # A file named on purpose and left empty: mail would silently go to the outbox.
            _error(f"{name}_FILE", f"{path} is empty")
        return value or None
    return _raw(name) or None


def report_problem(name: str, problem: str) -> None:
    """Record a problem that ``settings.py`` finds across variables (a file a setting names
    that is missing); start-up stops with it like with any other unreadable setting."""
    _error(name, problem)


def raise_errors() -> None:
    """Stop start-up when any setting could not be read: all problems at once."""
    if ERRORS and not DRY_RUN:
        raise ConfigError(list(ERRORS))
