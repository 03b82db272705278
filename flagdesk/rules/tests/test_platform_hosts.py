# SPDX-License-Identifier: EUPL-1.2
"""URL_OTHER_PLATFORM: a URL on another platform than the one named, case by case."""

from __future__ import annotations

import pytest

from flagdesk.rules.eligibility import (
    PlatformFacts,
    SignalFacts,
    intake_reasons,
    urls_of_other_platforms,
)
from flagdesk.rules.reasons import Reason
from flagdesk.rules.urls import content_host, normalise_url, platform_of_host

# The seeded registry (platforms/migrations/0002_seed_platforms.py).
REGISTRY = {
    "facebook.com": "meta",
    "fb.com": "meta",
    "fb.watch": "meta",
    "instagram.com": "meta",
    "threads.net": "meta",
    "threads.com": "meta",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "youtube-nocookie.com": "youtube",
    "x.com": "x",
    "twitter.com": "x",
    "tiktok.com": "tiktok",
    "snapchat.com": "snapchat",
}


def facts(platform: str, *urls: str, registry: dict[str, str] = REGISTRY) -> SignalFacts:
    return SignalFacts(
        source_type="media",
        category="misinformation",
        platform_name=platform,
        platform=PlatformFacts(key=platform, name=platform, has_channel=True),
        content_urls=urls,
        platform_hosts=registry,
    )


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://x.com/a/status/1", "x"),
        ("https://twitter.com/a/status/1", "x"),
        ("https://mobile.twitter.com/a/status/1", "x"),
        ("https://fxtwitter.com/a/status/1", "x"),  # urls.py's alias, normalised to x.com
        ("https://nitter.net/a/status/1", "x"),
        ("https://www.tiktok.com/@a/video/1", "tiktok"),
        ("https://vm.tiktok.com/ZMabc/", "tiktok"),  # short link: a subdomain
        ("https://m.tiktok.com/v/1.html", "tiktok"),
        ("https://youtu.be/abcdefghijk", "youtube"),
        ("https://m.youtube.com/watch?v=abcdefghijk", "youtube"),
        ("https://music.youtube.com/watch?v=abcdefghijk", "youtube"),
        ("https://fb.watch/abc/", "meta"),
        ("https://m.facebook.com/story.php?story_fbid=1&id=2", "meta"),
        ("https://instagr.am/p/xyz", "meta"),
        ("https://www.threads.net/@a/post/x", "meta"),
        ("https://story.snapchat.com/p/1", "snapchat"),
        ("https://nos.nl/artikel/1", None),  # nobody's: a news site
        ("https://notx.com/a/status/1", None),  # a suffix, not a subdomain
        ("https://x.com.evil.example/a", None),  # a lookalike prefix
    ],
)
def test_the_platform_of_a_url(url: str, platform: str | None) -> None:
    assert platform_of_host(content_host(normalise_url(url)), REGISTRY) == platform


def test_the_longest_registered_host_wins() -> None:
    registry = {"tiktok.com": "tiktok", "shop.tiktok.com": "tiktokshop"}
    assert platform_of_host("eu.shop.tiktok.com", registry) == "tiktokshop"
    assert platform_of_host("vm.tiktok.com", registry) == "tiktok"


def test_an_x_url_named_as_tiktok_is_refused() -> None:
    signal = facts("tiktok", "https://x.com/a/status/1")
    assert Reason.URL_OTHER_PLATFORM in intake_reasons(signal)
    assert urls_of_other_platforms(signal) == ["https://x.com/a/status/1"]


def test_one_foreign_url_among_the_platforms_own_is_refused() -> None:
    signal = facts("tiktok", "https://vm.tiktok.com/ZMabc/", "https://youtu.be/abcdefghijk")
    assert urls_of_other_platforms(signal) == ["https://youtu.be/abcdefghijk"]


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("tiktok", "https://vm.tiktok.com/ZMabc/"),
        ("youtube", "https://youtu.be/abcdefghijk"),
        ("meta", "https://fb.watch/abc/"),
        ("meta", "https://instagram.com/p/xyz"),
        ("x", "https://nos.nl/artikel/1"),  # a host no platform claims
        ("x", "not a url"),  # the form's error, not this rule's
    ],
)
def test_the_platforms_own_and_unclaimed_urls_pass(platform: str, url: str) -> None:
    assert Reason.URL_OTHER_PLATFORM not in intake_reasons(facts(platform, url))


def test_without_a_registry_the_check_is_not_made() -> None:
    signal = facts("tiktok", "https://x.com/a/status/1", registry={})
    assert Reason.URL_OTHER_PLATFORM not in intake_reasons(signal)


def test_an_unknown_platform_is_no_channel_not_a_mismatch() -> None:
    signal = SignalFacts(
        source_type="media",
        category="misinformation",
        platform_name="myspace",
        platform=None,
        content_urls=("https://x.com/a/status/1",),
        platform_hosts=REGISTRY,
    )
    assert intake_reasons(signal) == (Reason.NO_CHANNEL,)
