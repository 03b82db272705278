# SPDX-License-Identifier: EUPL-1.2
"""The Dutch message catalogue is complete, consistent and compiled."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

LC_MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# %(name)s, %(n)d, %s, %d ... but not the literal %%.
PYTHON_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcou]")
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A small PO parser: enough for the files makemessages writes (no obsolete entries)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key: tuple[str, int] | None = None

    def text(quoted: str) -> str:
        return ast.literal_eval(quoted)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, key = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"{path}:{number}: continuation without a keyword"
            name, index = key
            if name == "msgstr":
                entry.msgstr[index] += text(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + text(line))
        else:
            match = re.fullmatch(
                r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")", line
            )
            assert match, f"{path}:{number}: cannot parse {raw!r}"
            name, index, quoted = match.group(1), int(match.group(2) or 0), match.group(3)
            key = (name, index)
            if name == "msgstr":
                entry.msgstr[index] = text(quoted)
            else:
                setattr(entry, name, text(quoted))
    return entries


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    entries = parse_po(PO)
    header = entries[0]
    assert header.msgid == "", "the catalogue starts with its header"
    return header, entries[1:]


def test_the_header_declares_dutch_plurals_and_utf8(catalogue: tuple[Entry, list[Entry]]) -> None:
    header, _ = catalogue
    lines = header.msgstr[0].splitlines()
    assert "Language: nl" in lines
    assert "Content-Type: text/plain; charset=UTF-8" in lines
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in lines
    assert "fuzzy" not in header.flags


def test_every_message_is_translated(catalogue: tuple[Entry, list[Entry]]) -> None:
    _, entries = catalogue
    assert len(entries) > 300
    empty = [
        e.msgid
        for e in entries
        if not e.msgstr
        or any(not s.strip() for s in e.msgstr.values())
        or (e.msgid_plural is not None and sorted(e.msgstr) != [0, 1])
    ]
    assert empty == []


def test_nothing_is_fuzzy(catalogue: tuple[Entry, list[Entry]]) -> None:
    _, entries = catalogue
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_placeholders_are_kept(catalogue: tuple[Entry, list[Entry]]) -> None:
    _, entries = catalogue
    wrong = []
    for e in entries:
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        patterns = [BRACE_PLACEHOLDER]
        if "python-format" in e.flags:
            patterns.append(PYTHON_PLACEHOLDER)
        for pattern in patterns:
            expected = set().union(*(pattern.findall(s) for s in sources))
            for index, translation in e.msgstr.items():
                found = set(pattern.findall(translation))
                if e.msgid_plural:
                    # The singular may say "één" instead of the count; the plural keeps them all.
                    ok = found <= expected and (index == 0 or found == expected)
                else:
                    ok = found == expected
                if not ok:
                    wrong.append((e.msgid, index, sorted(expected), sorted(found)))
    assert wrong == []


def test_html_tags_are_kept(catalogue: tuple[Entry, list[Entry]]) -> None:
    _, entries = catalogue
    tag = re.compile(r"</?[a-zA-Z][^>]*>|&[a-z]+;|&#\d+;")
    wrong = [
        e.msgid
        for e in entries
        for s in e.msgstr.values()
        if sorted(tag.findall(e.msgid)) != sorted(tag.findall(s))
    ]
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file(
    catalogue: tuple[Entry, list[Entry]], tmp_path: Path
) -> None:
    _, entries = catalogue
    assert MO.exists(), "run: flagdesk compilemessages -l nl"
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        subprocess.run([msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(PO)], check=True)
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in entries:
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            if compiled.gettext(msgid) != e.msgstr[0]:
                stale.append(e.msgid)
        elif (
            compiled.ngettext(msgid, e.msgid_plural, 1),
            compiled.ngettext(msgid, e.msgid_plural, 2),
        ) != (
            e.msgstr[0],
            e.msgstr[1],
        ):
            stale.append(e.msgid)
    assert stale == [], "django.mo is out of date: run flagdesk compilemessages -l nl"


def test_the_login_page_is_dutch_by_default(db: Any) -> None:
    response = Client().get("/login")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Inloggen" in body
    assert '<html lang="nl">' in body


def test_the_login_page_follows_the_language_cookie(db: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    response = client.get("/login")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Log in" in body
    assert "Inloggen" not in body
    assert '<html lang="en">' in body
