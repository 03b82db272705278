# SPDX-License-Identifier: EUPL-1.2
"""The content-set rules, case by case: routing a signal, approving, sending."""

from __future__ import annotations

import pytest

from flagdesk.rules.urlset import (
    Holder,
    Route,
    Routing,
    SetReason,
    approval_problems,
    notice_problems,
    route_signal,
    url_set_sha256,
    urls_in_text,
)

A, B, C, D = "https://x.com/i/status/1", "https://x.com/i/status/2", "https://x.com/i/status/3", "d"


def test_the_digest_ignores_order_and_repeats() -> None:
    assert url_set_sha256([B, A, A]) == url_set_sha256([A, B])
    assert url_set_sha256([A]) != url_set_sha256([A, B])
    assert len(url_set_sha256([])) == 64


@pytest.mark.parametrize(
    ("urls", "holders", "expected"),
    [
        pytest.param({A}, [], Routing(Route.NEW_CASE), id="nobody-holds-it"),
        pytest.param({A, B}, [Holder(1, frozenset({A}))], Routing(Route.JOIN, 1), id="open-case"),
        pytest.param(
            {A}, [Holder(1, frozenset({A}), frozenset({A}))], Routing(Route.JOIN, 1), id="inside"
        ),
        pytest.param(
            {A, B},
            [Holder(1, frozenset({A}), frozenset({A}))],
            Routing(Route.RELATED_CASE, 1),
            id="partly-outside",
        ),
        pytest.param(
            {A, B},
            [Holder(1, frozenset({A}), frozenset({A})), Holder(2, frozenset({B}))],
            Routing(Route.JOIN, 2),
            id="an-open-holder-takes-it",
        ),
        pytest.param(
            {A, B},
            [
                Holder(1, frozenset({A}), frozenset({A})),
                Holder(2, frozenset({B}), frozenset({B})),
            ],
            Routing(Route.JOIN, 1),
            id="spans-two-decided-sets-nothing-new",
        ),
        pytest.param(
            {A, B, C},
            [
                Holder(1, frozenset({A}), frozenset({A})),
                Holder(2, frozenset({B}), frozenset({B})),
            ],
            Routing(Route.RELATED_CASE, 1),
            id="spans-two-decided-sets-and-brings-new",
        ),
        pytest.param(
            {D},
            [Holder(1, frozenset({D}), frozenset({A}))],
            Routing(Route.JOIN, 1),
            id="held-outside-the-set-by-a-back-door-adds-nothing",
        ),
    ],
)
def test_route_signal(urls: set[str], holders: list[Holder], expected: Routing) -> None:
    assert route_signal(urls, holders) == expected


def test_approval_of_an_unchanged_set() -> None:
    assert approval_problems({A, B}, url_set_sha256([A, B]), {B, A}) == ()


@pytest.mark.parametrize(
    ("decided", "digest_of", "current", "reasons"),
    [
        ({A}, [A], {A, B}, (SetReason.URLS_ADDED,)),
        ({A, B}, [A, B], {A}, (SetReason.URLS_REMOVED,)),
        ({A}, [A], {B}, (SetReason.URLS_ADDED, SetReason.URLS_REMOVED)),
        ({B}, [A], {B}, (SetReason.SET_TAMPERED,)),
    ],
)
def test_approval_problems(
    decided: set[str], digest_of: list[str], current: set[str], reasons: tuple[SetReason, ...]
) -> None:
    assert approval_problems(decided, url_set_sha256(digest_of), current) == reasons


def test_notice_problems() -> None:
    digest = url_set_sha256([A])
    assert notice_problems(set(), {A}, digest) == ()  # a follow-up names nothing
    assert notice_problems({A}, {A}, digest) == ()
    assert notice_problems({A, B}, {A}, digest) == (SetReason.URL_NOT_APPROVED,)
    assert notice_problems({A}, {A, B}, digest) == (SetReason.SET_TAMPERED,)


def test_urls_in_text_with_and_without_scheme() -> None:
    text = (
        "See https://x.com/a/status/1. Also twitter.com/b/status/2, mail alice@minbzk.example "
        "and (https://help.x.com/en/rules)."
    )
    assert urls_in_text(text) == [
        "https://x.com/a/status/1",
        "twitter.com/b/status/2",
        "https://help.x.com/en/rules",
    ]
