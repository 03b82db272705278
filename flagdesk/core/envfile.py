# SPDX-License-Identifier: EUPL-1.2
"""Read an environment file the way systemd's ``EnvironmentFile=`` does.

systemd (``man systemd.exec``): a comment is a line whose first non-blank character is ``#``
or ``;`` — there are no inline comments, so ``A=true   # why`` sets ``A`` to
``true   # why``. A value may be quoted with ``'…'`` (literal) or ``"…"`` (``\\`` escapes
``"``, ``\\``, `````, ``$``); outside quotes a backslash escapes the next character and a
backslash at the end of a line joins the next line; blanks around an unquoted value are
dropped.

``sh`` (``set -a; . /etc/flagdesk/env``, as the docs run one-off commands) reads the same
file differently wherever a value is unquoted and has a blank or a shell character in it, so
``problems()`` refuses those: a file that passes reads the same both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Characters that make sh read an unquoted value differently from systemd.
_SHELL_SPECIAL = re.compile(r"[\s$`\\;&|<>()*?\[\]~!{}]")
_DOUBLE_QUOTE_ESCAPES = {'"', "\\", "`", "$"}


@dataclass
class EnvFile:
    values: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def parse(text: str) -> EnvFile:
    result = EnvFile()
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        key, sep, raw = stripped.partition("=")
        key = key.strip()
        if not sep or not _KEY.fullmatch(key):
            result.problems.append(f"line {number}: not KEY=VALUE: {key[:40]!r}")
            continue
        try:
            value, unquoted_special = _value(raw.strip())
        except ValueError as bad:
            result.problems.append(f"line {number}: {key}: {bad}")
            continue
        if unquoted_special:
            result.problems.append(
                f"line {number}: {key}: quote the value (\"…\" or '…'): unquoted, sh reads "
                "its blanks or shell characters differently from systemd"
            )
        result.values[key] = value
    return result


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines with backslash-newline continuations joined (numbered by their first line)."""
    lines: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if pending is not None:
            start, before = pending
            line, number = before + line, start
            pending = None
        if line.endswith("\\") and not line.endswith("\\\\") and not _is_comment(line):
            pending = (number, line[:-1])
            continue
        lines.append((number, line))
    if pending is not None:
        lines.append(pending)
    return lines


def _is_comment(line: str) -> bool:
    stripped = line.lstrip()
    return stripped[:1] in ("#", ";")


def _value(raw: str) -> tuple[str, bool]:
    """The value and whether an unquoted part had a character sh would treat differently."""
    out: list[str] = []
    special = False
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "'":
            end = raw.find("'", i + 1)
            if end < 0:
                raise ValueError("a single quote is never closed")
            out.append(raw[i + 1 : end])
            i = end + 1
        elif char == '"':
            i = _double_quoted(raw, i + 1, out)
        elif char == "\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            special = True
            i += 2
        else:
            special = special or bool(_SHELL_SPECIAL.match(char))
            out.append(char)
            i += 1
    return "".join(out), special


def _double_quoted(raw: str, i: int, out: list[str]) -> int:
    while i < len(raw):
        char = raw[i]
        if char == '"':
            return i + 1
        if char == "\\" and i + 1 < len(raw) and raw[i + 1] in _DOUBLE_QUOTE_ESCAPES:
            out.append(raw[i + 1])
            i += 2
            continue
        out.append(char)
        i += 1
    raise ValueError("a double quote is never closed")
