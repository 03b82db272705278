# SPDX-License-Identifier: EUPL-1.2
"""sanitise_html keeps formatting and nothing that runs or phones home; html_to_text reads."""

from __future__ import annotations

import base64

import pytest

from flagdesk.mailarchive.sanitize import (
    BLOCKED_IMAGE_TEXT,
    MAX_DATA_IMAGE_CHARS,
    html_to_text,
    sanitise_html,
)

PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()


def test_it_keeps_ordinary_formatting() -> None:
    html = "<p>Hi <b>bold</b> <i>it</i></p><ul><li>one</li></ul><table><tr><td>c</td></tr></table>"
    assert sanitise_html(html) == (
        "<p>Hi <b>bold</b> <i>it</i></p><ul><li>one</li></ul>"
        "<table><tbody><tr><td>c</td></tr></tbody></table>"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<style>p{color:red}</style>",
        "<iframe src='https://bad.example'></iframe>",
        "<object data='x.swf'></object>",
        "<embed src='x.swf'>",
        "<svg><script>alert(1)</script></svg>",
        "<template><img src=x onerror=alert(1)></template>",
    ],
)
def test_active_content_is_removed_with_its_content(html: str) -> None:
    assert sanitise_html(f"<p>before</p>{html}<p>after</p>") == "<p>before</p><p>after</p>"


@pytest.mark.parametrize(
    "html",
    [
        "<p onclick='steal()'>x</p>",
        "<body onload='steal()'><p>x</p></body>",
        "<p style='background:url(https://t.example/p.gif)'>x</p>",
        "<p class='phish' id='login'>x</p>",
    ],
)
def test_event_handlers_styles_and_ids_are_dropped(html: str) -> None:
    assert sanitise_html(html) == "<p>x</p>"


def test_forms_lose_their_controls_but_keep_text() -> None:
    html = (
        "<form action='https://bad.example'><input name=password>Log in<button>Go</button></form>"
    )
    assert sanitise_html(html) == "Log inGo"


def test_links_get_rel_and_lose_target() -> None:
    html = '<a href="https://x.example/case/1" target="_blank" rel="opener">case</a>'
    assert sanitise_html(html) == (
        '<a href="https://x.example/case/1" rel="noopener noreferrer">case</a>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "cid:part1@x.example",
        "/relative/path",
        "//bad.example/x",
        "file:///etc/passwd",
    ],
)
def test_unsafe_link_targets_are_removed(href: str) -> None:
    assert sanitise_html(f'<a href="{href}">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_mailto_links_stay() -> None:
    assert 'href="mailto:abuse@x.example"' in sanitise_html(
        '<a href="mailto:abuse@x.example">m</a>'
    )


@pytest.mark.parametrize(
    "src",
    [
        "https://track.example/pixel.gif?u=1",
        "http://track.example/logo.png",
        "//track.example/logo.png",
        "HTTPS://TRACK.EXAMPLE/X.PNG",
        "/relative.png",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "javascript:alert(1)",
    ],
)
def test_remote_and_unsafe_images_are_blocked(src: str) -> None:
    result = sanitise_html(f'<p><img src="{src}" width="1" height="1"></p>')
    assert result == f'<p><span class="fd-blocked-image">{BLOCKED_IMAGE_TEXT}</span></p>'


def test_the_placeholder_names_the_image_safely() -> None:
    result = sanitise_html('<img src="https://x.example/a.png" alt="Logo &quot;<b>&quot;">')
    assert (
        result
        == '<span class="fd-blocked-image">[image blocked: Logo &quot;&lt;b&gt;&quot;]</span>'
    )


def test_srcset_cannot_sneak_a_remote_image_in() -> None:
    result = sanitise_html(f'<img src="{PNG}" srcset="https://t.example/a.png 2x">')
    assert "t.example" not in result
    assert f'src="{PNG}"' in result


def test_an_onerror_image_loses_its_handler() -> None:
    result = sanitise_html('<img src="x" onerror="alert(1)">')
    assert "onerror" not in result
    assert BLOCKED_IMAGE_TEXT in result


def test_inline_cid_images_stay_as_references() -> None:
    result = sanitise_html('<img src="cid:logo@x.example" alt="logo">')
    assert result == '<img src="cid:logo@x.example" alt="logo">'


def test_small_data_images_stay() -> None:
    assert sanitise_html(f'<img src="{PNG}">') == f'<img src="{PNG}">'


def test_large_data_images_are_blocked() -> None:
    big = "data:image/png;base64," + "A" * MAX_DATA_IMAGE_CHARS
    assert sanitise_html(f'<img src="{big}">') == (
        f'<span class="fd-blocked-image">{BLOCKED_IMAGE_TEXT}</span>'
    )


def test_remote_backgrounds_on_tables_are_dropped() -> None:
    result = sanitise_html(
        '<table background="https://t.example/bg.png"><tr><td>x</td></tr></table>'
    )
    assert "t.example" not in result


def test_comments_and_conditional_comments_go() -> None:
    html = "<!--[if mso]><img src='https://t.example/x.png'><![endif]--><p>x</p>"
    assert sanitise_html(html) == "<p>x</p>"


def test_malformed_markup_is_closed() -> None:
    assert sanitise_html("<p><b>open") == "<p><b>open</b></p>"


# --- text --------------------------------------------------------------------------------


def test_html_to_text_keeps_paragraphs_and_lists() -> None:
    html = "<h1>Title</h1><p>First&nbsp;para.</p><p>Second <b>para</b>.</p><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "Title\n\nFirst para.\n\nSecond para.\n\n- a\n- b"


def test_html_to_text_drops_scripts_styles_and_the_head() -> None:
    html = "<html><head><title>T</title><style>p{}</style></head><body><script>x()</script>Body</body></html>"
    assert html_to_text(html) == "Body"


def test_html_to_text_shows_where_links_go() -> None:
    html = '<a href="https://x.example/case/1">View case</a> <a href="https://x.example/">https://x.example/</a>'
    assert html_to_text(html) == "View case <https://x.example/case/1> https://x.example/"


def test_html_to_text_ignores_javascript_links() -> None:
    assert html_to_text('<a href="javascript:alert(1)">click</a>') == "click"


def test_html_to_text_survives_office_markup() -> None:
    html = (
        "<![if !supportLists]>-<![endif]>Item<o:p></o:p><!--[if gte mso 9]><xml>x</xml><![endif]-->"
    )
    assert "Item" in html_to_text(html)


def test_html_to_text_decodes_entities() -> None:
    assert html_to_text("<p>Caf&eacute; &amp; &#8364;5 &lt;b&gt;</p>") == "Café & €5 <b>"
