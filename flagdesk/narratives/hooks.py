# SPDX-License-Identifier: EUPL-1.2
"""What the narrative pages ask of the report app above them, without importing it:
``reports`` registers its lookup of an election's signed-off report when Django starts
(``ReportsConfig.ready``), so reports may import narratives and not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flagdesk.elections.models import Election

_final_report: list[Callable[[Election], Any]] = []


def register_final_report_lookup(latest_final: Callable[[Election], Any]) -> None:
    _final_report[:] = [latest_final]


def latest_final_report(election: Election) -> Any:
    """The election's latest signed-off report, or None."""
    if not _final_report:
        raise RuntimeError("no app registered the final report lookup (is reports installed?)")
    return _final_report[0](election)
