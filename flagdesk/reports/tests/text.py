# SPDX-License-Identifier: EUPL-1.2
"""What a reader sees of the report's lines, for assertions on its wording."""

from __future__ import annotations

from flagdesk.reports.document import Line, Link, Redacted, Text


def plain_text(line: Line) -> str:
    """What a reader sees of a line, redactions as their clipped label (redactions as the reader sees them)."""
    out = []
    for inline in line:
        if isinstance(inline, Text | Link):
            out.append(inline.text)
        elif isinstance(inline, Redacted):
            out.append(inline.clipped_label)
    return "".join(out)
