# SPDX-License-Identifier: EUPL-1.2
"""Docs are tested: every setting and every command of ours must be documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class

from flagdesk.core.env import REGISTRY

ROOT = Path(__file__).resolve().parents[3]
OUR_COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("flagdesk"))


def test_it_finds_our_commands() -> None:
    assert {"eligibility", "audit", "demo"} <= set(OUR_COMMANDS)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_setting_is_documented(name: str) -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert f"`{name}`" in text, f"{name} is missing from docs/configuration.md"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_setting_has_help(name: str) -> None:
    assert len(REGISTRY[name].help) > 20


@pytest.mark.parametrize("name", OUR_COMMANDS)
def test_command_is_documented(name: str) -> None:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert f"flagdesk {name}" in text, f"`flagdesk {name}` is missing from docs/operations.md"


@pytest.mark.parametrize("name", OUR_COMMANDS)
def test_command_has_help(name: str) -> None:
    command = load_command_class(get_commands()[name], name)
    assert command.help and len(command.help) > 20


OUR_APPS = sorted(c.label for c in apps.get_app_configs() if c.name.startswith("flagdesk."))


def _app_table_rows() -> dict[str, str]:
    """docs/architecture.md's app table: app label -> what it may import."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("| App | What it is for | May import |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \|.*\| ([^|]+) \|$", table, flags=re.MULTILINE)
    return dict(rows)


def test_it_finds_our_apps() -> None:
    assert {"core", "desk", "audit", "intake"} <= set(OUR_APPS)


@pytest.mark.parametrize("label", OUR_APPS)
def test_app_is_in_the_architecture_table(label: str) -> None:
    # One unbroken table: a blank line inside it would end the table for the test too.
    rows = _app_table_rows()
    assert label in rows, f"app {label} is missing from the app table in docs/architecture.md"
    assert rows[label].strip(), f"app {label} says nothing about what it may import"


def test_readme_gives_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _source_files() -> list[Path]:
    return [*ROOT.joinpath("flagdesk").rglob("*.py"), *ROOT.joinpath("benchmarks").rglob("*.py")]


def test_every_source_file_has_an_spdx_header() -> None:
    missing = [
        str(f.relative_to(ROOT))
        for f in _source_files()
        if not re.search(r"SPDX-License-Identifier: EUPL-1\.2", f.read_text(encoding="utf-8")[:300])
    ]
    assert missing == []
