# SPDX-License-Identifier: EUPL-1.2
"""Reactions to other apps' signals."""

from __future__ import annotations

from typing import Any

from flagdesk.notices import service


def draft_notice_on_approval(sender: Any, decision: Any, actor: Any, **kwargs: Any) -> None:
    # Inside the approving transaction: the decision and its draft notice commit together.
    service.draft_for_decision(decision, actor)
