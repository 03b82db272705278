# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk redact`` as a user runs it: a separate process, a file or stdin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EMAIL = (
    "Van: Jan de Vries <jan.devries@minbzk.nl>\n\nDear Emily,\n\nCall me on 06-12345678.\n\n"
    "Kind regards,\nJan de Vries\nTurfmarkt 147 | 2511 DP Den Haag\n"
)


def run(*args: str, stdin: str | bytes = b"") -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "flagdesk.cli", "redact", *args],
        input=data,
        capture_output=True,
        check=False,
        timeout=60,
    )


@pytest.fixture
def email_file(tmp_path: Path) -> Path:
    path = tmp_path / "mail.txt"
    path.write_text(EMAIL, encoding="utf-8")
    return path


def test_it_prints_the_redacted_text(email_file: Path) -> None:
    result = run(str(email_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (
        "Van: [5.1.2e] <[5.1.2e]@minbzk.nl>\n\nDear [5.1.2e],\n\nCall me on [5.1.2e].\n\n"
        "Kind regards,\n[5.1.2e]\nTurfmarkt 147 | 2511 DP Den Haag\n"
    )
    assert result.stderr == b""


def test_it_reads_stdin_with_allow_and_deny() -> None:
    result = run("--lang", "nl", "--allow", "Emily", "--deny", "Turfmarkt 147", "-", stdin=EMAIL)
    output = result.stdout.decode()
    assert "Dear Emily," in output
    assert "Turfmarkt" not in output and "Jan de Vries" not in output


@pytest.mark.parametrize("stdin", [b"\xff\xfe not utf-8", b""])
def test_unreadable_input_exits_2_with_one_line(tmp_path: Path, stdin: bytes) -> None:
    result = run(str(tmp_path / "missing.txt")) if not stdin else run("-", stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flagdesk redact: unreadable input")
