# SPDX-License-Identifier: EUPL-1.2
"""Error pages: the site's layout, the user's language, a way back; no traceback for a 403."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.template import loader
from django.test import Client
from django.utils import translation

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.core.logging import formatter


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("console"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def test_a_404_is_dutch_in_the_layout_with_a_way_back(alice: User) -> None:
    response = verified_client(alice).get("/no-such-page")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Pagina niet gevonden" in html and "Not Found" not in html
    assert 'class="utrecht-page-header site-header"' in html and 'aria-label="Hoofdmenu"' in html
    assert 'href="/"' in html and 'href="/cases"' in html


def test_a_404_is_english_for_an_english_user(alice: User) -> None:
    html = in_english(verified_client(alice)).get("/no-such-page").content.decode()
    assert "Page not found" in html and 'lang="en"' in html


def test_a_404_for_someone_not_logged_in_shows_no_navigation() -> None:
    response = Client().get("/static/flagdesk/no-such-file.css")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html and 'class="utrecht-page-header site-header"' in html
    assert "Hoofdmenu" not in html


def test_a_403_is_in_the_layout_and_logs_one_line_without_traceback(
    alice: User, log_text: io.StringIO
) -> None:
    response = verified_client(alice).get("/platforms")  # administrators only
    html = response.content.decode()
    assert response.status_code == 403
    assert (
        "Dit mag u niet" in html
        and 'class="utrecht-page-header site-header"' in html
        and 'href="/"' in html
    )
    refused = [line for line in log_text.getvalue().splitlines() if "Forbidden" in line]
    assert len(refused) == 1
    assert "Traceback" not in log_text.getvalue()
    assert "PermissionDenied" not in log_text.getvalue()


def test_a_500_page_renders_without_any_context() -> None:
    with translation.override("nl"):
        html = loader.get_template("500.html").render()
    assert "Er ging iets mis" in html and 'href="/"' in html
    assert "set_language" not in html and "csrfmiddlewaretoken" not in html


def test_a_400_page_is_in_the_layout() -> None:
    with translation.override("en"):
        html = loader.get_template("400.html").render()
    assert "Request not understood" in html and 'class="utrecht-page-header site-header"' in html


def test_the_language_menu_names_each_language_in_itself(alice: User) -> None:
    for client in (verified_client(alice), in_english(verified_client(alice))):
        html = client.get("/").content.decode()
        assert '<option value="en" lang="en"' in html and ">English</option>" in html
        assert ">Nederlands</option>" in html and "Engels" not in html


def test_the_favicon_is_linked_and_served(alice: User) -> None:
    html = verified_client(alice).get("/").content.decode()
    assert 'rel="icon" href="/static/flagdesk/favicon.svg"' in html
    assert 'href="/static/flagdesk/favicon.png"' in html
    svg = Client().get("/static/flagdesk/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)  # type: ignore[attr-defined]
    png = Client().get("/static/flagdesk/favicon.png")
    assert png.status_code == 200
    assert b"".join(png.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
