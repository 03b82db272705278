# SPDX-License-Identifier: EUPL-1.2
"""The theme: the shipped open example theme by default; an organisation's own design tokens,
logo and name from its own directory, served from our origin; bad settings stop start-up."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client, override_settings

from flagdesk.core.tests.test_settings import _settings_in_fresh_process

pytestmark = pytest.mark.django_db


def _login_page(client: Client) -> str:
    response = client.get("/login")
    assert response.status_code == 200
    return response.content.decode()


def test_it_ships_the_open_example_theme_and_no_logo(client: Client) -> None:
    page = _login_page(client)
    assert re.search(r'<body class="[^"]*\bvoorbeeld-theme\b', page)
    assert "/static/theme/" not in page
    assert "brand__logo" not in page
    css = (Path(__file__).resolve().parents[2] / "core/static/flagdesk/app.css").read_text()
    assert "vendor/voorbeeld-design-tokens-7.4.1.css" in css
    assert "rijkshuisstijl" not in css.lower()


@override_settings(
    THEME_CSS="gemeente.css",
    THEME_LOGO="logo.svg",
    THEME_CLASS="gemeente-theme",
    ORGANISATION_NAME="Gemeente Voorbeeld",
)
def test_an_organisation_brings_its_tokens_logo_and_name(client: Client) -> None:
    page = _login_page(client)
    assert '<link rel="stylesheet" href="/static/theme/gemeente.css">' in page
    assert re.search(r'<img class="utrecht-logo brand__logo" src="/static/theme/logo.svg"', page)
    assert re.search(r'<body class="[^"]*\bgemeente-theme\b', page)
    assert "voorbeeld-theme" not in page
    assert "Gemeente Voorbeeld" in page
    # The organisation's tokens come after ours, so they win.
    assert page.index("flagdesk/app.css") < page.index("theme/gemeente.css")


def test_the_theme_directory_is_served_under_static_theme(tmp_path: Path) -> None:
    (tmp_path / "theme.css").write_text(
        ".x-theme { --basis-color-accent-1-color-default: #00607a; }"
    )
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    found = _settings_in_fresh_process(
        {
            "FLAGDESK_DATA_DIR": str(tmp_path),
            "FLAGDESK_THEME_DIR": str(tmp_path),
            "FLAGDESK_THEME_CSS": "theme.css",
            "FLAGDESK_THEME_LOGO": "logo.svg",
            "FLAGDESK_THEME_CLASS": "x-theme",
        },
        "settings.STATICFILES_DIRS",
    )
    assert found == repr([("theme", str(tmp_path))])


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"FLAGDESK_THEME_CSS": "theme.css"}, "FLAGDESK_THEME_CSS: 'theme.css' is no file"),
        (
            {"FLAGDESK_THEME_LOGO": "../outside.svg"},
            "FLAGDESK_THEME_LOGO: '../outside.svg' is no file",
        ),
        ({"FLAGDESK_THEME_CLASS": 'x" onload="alert(1)'}, "FLAGDESK_THEME_CLASS: a CSS class name"),
    ],
)
def test_a_theme_setting_that_names_nothing_usable_stops_start_up(
    tmp_path: Path, variables: dict[str, str], problem: str
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (tmp_path / "outside.svg").write_text("<svg/>")  # exists, but not in the theme directory
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _settings_in_fresh_process(
            {"FLAGDESK_DATA_DIR": str(tmp_path), "FLAGDESK_THEME_DIR": str(theme), **variables},
            "settings.DEBUG",
        )
    assert problem in failed.value.stderr
