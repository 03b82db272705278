# SPDX-License-Identifier: EUPL-1.2
"""A document's readable name, from the app that knows what the text belongs to.

The redaction app stores a text as ``(kind, object_id)`` ("notice.from", 12); it cannot look up
notices or mail (they live floors above). The reports app, which asks for the texts, registers
a namer in its ``AppConfig.ready()``; without one the review falls back to the kind's label.
"""

from __future__ import annotations

from collections.abc import Callable

Namer = Callable[[str, int], "str | None"]
_namers: list[Namer] = []


def register_document_namer(namer: Namer) -> None:
    if namer not in _namers:
        _namers.append(namer)


def document_name(kind: str, object_id: int) -> str | None:
    for namer in _namers:
        name = namer(kind, object_id)
        if name:
            return name
    return None
