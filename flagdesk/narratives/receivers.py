# SPDX-License-Identifier: EUPL-1.2
"""Reactions to other apps' signals."""

from __future__ import annotations

from typing import Any


def suggest_on_intake(
    sender: Any, recorded: Any, case: Any, opened: bool = False, **kwargs: Any
) -> None:
    # In the worker, not in the partner's request: intake stays fast, and the suggestions
    # are on the case page a moment later. The marker (and the batch task, when none waits)
    # commit with the signal; a surge of signals on one case is matched once.
    from flagdesk.narratives import service

    service.want_matching(case.pk, opened=opened)
