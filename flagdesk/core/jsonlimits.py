# SPDX-License-Identifier: EUPL-1.2
"""JSON from outside, read within limits: a bounded size and a bounded nesting depth.

Python's json module parses nested arrays and objects by recursion; a body of a few
thousand ``[`` raises RecursionError, which no handler expects (a 500 on every JSON
endpoint). :func:`check_depth` measures the depth first, in one loop without recursion,
so that only documents of sane depth ever reach ``json.loads``.
"""

from __future__ import annotations

OPENERS = frozenset(b"[{")
CLOSERS = frozenset(b"]}")
QUOTE = ord('"')
BACKSLASH = ord("\\")


class TooDeep(ValueError):
    """The document nests arrays and objects deeper than allowed."""


def check_depth(data: bytes, limit: int) -> None:
    """Raise :class:`TooDeep` when ``data`` nests arrays and objects more than ``limit`` deep."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return  # too few brackets to be too deep: no need to look at every byte
    nesting_depth(data, limit)


def nesting_depth(data: bytes, limit: int) -> int:
    """The deepest nesting of arrays and objects in ``data``; brackets inside strings do
    not count. Raises :class:`TooDeep` as soon as ``limit`` is passed.

    Not a validator: malformed JSON is left for the parser to refuse.
    """
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == BACKSLASH:
                escaped = True
            elif byte == QUOTE:
                in_string = False
        elif byte == QUOTE:
            in_string = True
        elif byte in OPENERS:
            depth += 1
            if depth > limit:
                raise TooDeep(f"JSON nested more than {limit} deep")
            deepest = max(deepest, depth)
        elif byte in CLOSERS:
            depth -= 1
    return deepest
