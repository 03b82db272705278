# SPDX-License-Identifier: EUPL-1.2
"""Recall and keep on the development corpus, per split.

"dev" is tuned on; "test" (issue 4) and "unseen" (issue 14: other name origins, handle and
phone formats, role mailboxes, registered offices; written before the engine was tuned for
them) are not."""

from __future__ import annotations

import pytest

from tests_support.redaction_metrics import Score, evaluate, load_corpus, ministry_profile

CORPUS = load_corpus()


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return evaluate(CORPUS, ministry_profile())


def test_the_corpus_is_big_enough_and_split() -> None:
    splits = [d.split for d in CORPUS]
    assert len(CORPUS) >= 60
    assert 0.18 <= splits.count("test") / len(CORPUS) <= 0.3
    assert splits.count("unseen") >= 8
    assert {d.lang for d in CORPUS} == {"nl", "en"}


def test_every_annotation_occurs_in_its_text() -> None:
    for document in CORPUS:
        for needle in (*document.personal, *document.keep):
            assert needle in document.text, f"{document.id}: {needle!r}"


@pytest.mark.parametrize("split", ["dev", "test", "unseen", "all"])
def test_recall_and_keep(scores: dict[str, Score], split: str) -> None:
    score = scores[split]
    print(
        f"{split}: recall {score.recall:.4f} ({score.personal_removed}/{score.personal_total}),"
        f" keep {score.keep:.4f} ({score.keep_intact}/{score.keep_total})"
    )
    assert score.recall >= 0.99, score.missed
    assert score.keep >= 0.98, score.broken
