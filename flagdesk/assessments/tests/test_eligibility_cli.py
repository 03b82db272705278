# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk eligibility``: the full scenario table in-process, representative ones as the
real console command in a subprocess (as an outside checker runs it)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

FLAGDESK = str(Path(__file__).resolve().parents[3] / ".venv" / "bin" / "flagdesk")

SEED_POST = "https://x.com/kiezer2023/status/1727365011111111111?s=20&t=AbCdEf"
MISINFO_OK = {"election_process_risk": True, "misleading": True, "harms": ["invalid_vote"]}


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for a subprocess with its own migrated SQLite database (seed platforms)."""
    data_dir = tmp_path_factory.mktemp("cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLAGDESK_")}
    env.update(
        FLAGDESK_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'cli.sqlite3'}",
        DJANGO_SETTINGS_MODULE="flagdesk.settings",
    )
    subprocess.run(
        [FLAGDESK, "migrate", "--skip-checks", "-v0"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


def run_cli(env: dict[str, str], stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [FLAGDESK, "eligibility", *args],
        input=stdin,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def request(
    source: str = "media",
    category: str = "misinformation",
    platform: str = "x",
    urls: list[str] | None = None,
    assessment: dict[str, Any] | None = None,
    notified: list[str] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "signal": {
            "source_type": source,
            "source_organisation": "NOS",
            "category": category,
            "platform": platform,
            "content_urls": urls or [SEED_POST],
        },
        "assessment": MISINFO_OK if assessment is None else assessment,
    }
    if notified is not None:
        data["history"] = {"notified_urls": notified}
    return data


class InProcess:
    """Runs the command in this process against the test database; same result shape."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        out = io.StringIO()
        self.capsys.readouterr()
        try:
            call_command("eligibility", *args, stdout=out)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        err = self.capsys.readouterr().err
        return subprocess.CompletedProcess(
            ["eligibility", *args], code, out.getvalue().encode(), err.encode()
        )


@pytest.fixture
def inproc(
    db: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> InProcess:
    return InProcess(capsys, monkeypatch)


def evaluate(env: dict[str, str] | InProcess, data: dict[str, Any]) -> dict[str, Any]:
    done = (
        env(json.dumps(data).encode(), "-")
        if isinstance(env, InProcess)
        else run_cli(env, json.dumps(data).encode(), "-")
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    lines = done.stdout.decode().strip().splitlines()
    assert len(lines) == 1
    result: dict[str, Any] = json.loads(lines[0])
    assert set(result) == {"eligible", "reasons", "referral"}
    return result


SCENARIOS = [
    ("seed-case", request(), True, []),
    ("seed-case-platform-twitter", request(platform="twitter"), True, []),
    ("alias-uppercase", request(platform="TWITTER"), True, []),
    ("alias-x-mixed-case", request(platform=" X "), True, []),
    (
        "alias-facebook",
        request(platform="Facebook", urls=["https://facebook.com/story.php?story_fbid=1&id=2"]),
        True,
        [],
    ),
    (
        "alias-instagram",
        request(platform="instagram", urls=["https://instagram.com/p/Abc"]),
        True,
        [],
    ),
    (
        "alias-threads",
        request(platform="Threads", urls=["https://threads.net/@a/post/Abc"]),
        True,
        [],
    ),
    ("alias-meta", request(platform="meta", urls=["https://facebook.com/x"]), True, []),
    ("alias-youtube", request(platform="YouTube", urls=["https://youtu.be/dQw4w9WgXcQ"]), True, []),
    ("alias-google", request(platform="google", urls=["https://youtu.be/dQw4w9WgXcQ"]), True, []),
    ("tiktok", request(platform="TikTok", urls=["https://www.tiktok.com/@a/video/1"]), True, []),
    ("snapchat", request(platform="snapchat", urls=["https://snapchat.com/add/a"]), True, []),
    ("unknown-platform", request(platform="mastodon"), False, ["NO_CHANNEL"]),
    ("source-uppercase", request(source="MEDIA"), True, []),
    ("anonymous", request(source="anonymous"), False, ["SOURCE_NOT_ACCEPTED"]),
    ("own-monitoring", request(source="own_monitoring"), False, ["SOURCE_NOT_ACCEPTED"]),
    ("other", request(category="other"), False, ["OUT_OF_SCOPE"]),
    ("no-risk", request(assessment={"election_process_risk": False}), False, ["OUT_OF_SCOPE"]),
    ("incomplete", request(assessment={}), False, ["ASSESSMENT_INCOMPLETE"]),
    ("assessment-omitted", {"signal": request()["signal"]}, False, ["ASSESSMENT_INCOMPLETE"]),
    (
        "not-misleading-no-harm",
        request(assessment={"election_process_risk": True, "misleading": False, "harms": []}),
        False,
        ["NOT_MISLEADING", "NO_ELECTORAL_HARM"],
    ),
    (
        "hacked-channel-ok",
        request(
            source="co_government",
            category="hacked_channel",
            assessment={
                "election_process_risk": True,
                "own_contact_attempts": 2,
                "own_means_exhausted": True,
            },
        ),
        True,
        [],
    ),
    (
        "hacked-channel-all",
        request(
            category="hacked_channel",
            assessment={
                "election_process_risk": True,
                "own_contact_attempts": 1,
                "own_means_exhausted": False,
            },
        ),
        False,
        ["INSUFFICIENT_OWN_ATTEMPTS", "NOT_CO_GOVERNMENT", "OWN_MEANS_NOT_EXHAUSTED"],
    ),
    (
        "blocked-ad",
        request(
            source="co_government",
            category="blocked_ad",
            assessment={"election_process_risk": True, "own_contact_attempts": 0},
        ),
        False,
        ["INSUFFICIENT_OWN_ATTEMPTS"],
    ),
    (
        "already-notified-youtube",
        request(
            platform="youtube",
            urls=["https://youtu.be/dQw4w9WgXcQ?si=abc"],
            notified=["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s"],
        ),
        False,
        ["ALREADY_NOTIFIED"],
    ),
    (
        "notified-other-video",
        request(
            platform="youtube",
            urls=["https://youtu.be/dQw4w9WgXcQ"],
            notified=["https://www.youtube.com/watch?v=aaaaaaaaaaa"],
        ),
        True,
        [],
    ),
    (
        "already-notified-x",
        request(notified=["https://twitter.com/KIEZER2023/status/1727365011111111111"]),
        False,
        ["ALREADY_NOTIFIED"],
    ),
    ("history-null", {**request(), "history": None}, True, []),
    ("history-empty", {**request(), "history": {}}, True, []),
]


@pytest.mark.parametrize(
    ("data", "eligible", "reasons"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_it_evaluates_scenarios(
    inproc: InProcess, data: dict[str, Any], eligible: bool, reasons: list[str]
) -> None:
    result = evaluate(inproc, data)
    assert result == {"eligible": eligible, "reasons": reasons, "referral": None}


SUBPROCESS_SCENARIOS = [
    "seed-case",
    "seed-case-platform-twitter",
    "alias-youtube",
    "already-notified-youtube",
    "hacked-channel-all",
]


@pytest.mark.parametrize(
    ("data", "eligible", "reasons"),
    [s[1:] for s in SCENARIOS if s[0] in SUBPROCESS_SCENARIOS],
    ids=[s[0] for s in SCENARIOS if s[0] in SUBPROCESS_SCENARIOS],
)
def test_the_console_command_evaluates(
    cli_env: dict[str, str], data: dict[str, Any], eligible: bool, reasons: list[str]
) -> None:
    result = evaluate(cli_env, data)
    assert result == {"eligible": eligible, "reasons": reasons, "referral": None}


def test_citizen_gets_a_referral(cli_env: dict[str, str]) -> None:
    result = evaluate(cli_env, request(source="citizen", platform="Twitter"))
    assert result["eligible"] is False
    assert result["reasons"] == ["SOURCE_NOT_ACCEPTED"]
    assert result["referral"]["platform"] == "x"
    assert (
        result["referral"]["url"] == "https://help.x.com/en/rules-and-policies/x-report-violation"
    )
    assert "Meld het dan zelf bij X" in result["referral"]["text"]


def test_citizen_on_unknown_platform_gets_a_referral(inproc: InProcess) -> None:
    result = evaluate(inproc, request(source="citizen", platform="Mastodon"))
    assert result["reasons"] == ["NO_CHANNEL", "SOURCE_NOT_ACCEPTED"]
    assert result["referral"]["url"] is None
    assert "Mastodon" in result["referral"]["text"]


def test_it_reads_a_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request()), encoding="utf-8")
    done = run_cli(cli_env, b"", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"eligible": True, "reasons": [], "referral": None}


def test_stdin_is_the_default(inproc: InProcess) -> None:
    done = inproc(json.dumps(request(source="anonymous")).encode())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reasons"] == ["SOURCE_NOT_ACCEPTED"]


def _signal(**changes: Any) -> bytes:
    data = request()
    data["signal"].update(changes)
    return json.dumps(data).encode()


def _assessment(**changes: Any) -> bytes:
    data = request()
    data["assessment"] = {**MISINFO_OK, **changes}
    return json.dumps(data).encode()


INVALID: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("not-json", b"this is not json"),
    ("truncated", b'{"signal": {'),
    ("array", b"[]"),
    ("string", b'"signal"'),
    ("null", b"null"),
    ("missing-signal", json.dumps({"assessment": {}}).encode()),
    ("signal-not-object", json.dumps({"signal": []}).encode()),
    ("assessment-not-object", json.dumps({**request(), "assessment": [1]}).encode()),
    ("history-not-object", json.dumps({**request(), "history": "x"}).encode()),
    ("notified-not-list", json.dumps({**request(), "history": {"notified_urls": "u"}}).encode()),
    ("missing-source", _signal(source_type=None)),
    ("empty-platform", _signal(platform="  ")),
    ("bad-category", _signal(category="spam")),
    ("category-wrong-type", _signal(category=3)),
    (
        "missing-content-urls",
        json.dumps(
            {"signal": {"source_type": "media", "category": "misinformation", "platform": "x"}}
        ).encode(),
    ),
    ("content-urls-not-list", _signal(content_urls=SEED_POST)),
    ("content-urls-number", _signal(content_urls=[1])),
    ("bad-url", _signal(content_urls=["javascript:alert(1)"])),
    ("url-with-space", _signal(content_urls=["https://x.com/a b"])),
    ("organisation-not-string", _signal(source_organisation=5)),
    ("harms-not-list", _assessment(harms="invalid_vote")),
    ("unknown-harm", _assessment(harms=["invalid_vote", "bad_mood"])),
    ("attempts-string", _assessment(own_contact_attempts="2")),
    ("attempts-true", _assessment(own_contact_attempts=True)),
    ("attempts-negative", _assessment(own_contact_attempts=-1)),
    ("attempts-float", _assessment(own_contact_attempts=2.5)),
    ("risk-string", _assessment(election_process_risk="yes")),
    ("misleading-number", _assessment(misleading=1)),
    ("too-large", b'{"signal": {}, "pad": "' + b"x" * (1024 * 1024) + b'"}'),
    ("not-utf8", b'{"signal": {"source_type": "\xff\xfe"}}'),
    ("latin1", '{"signal": {"platform": "café"}}'.encode("latin-1")),
    ("huge-number", b'{"signal": ' + b"1" * 5000 + b"}"),
    ("deep-nesting", b"[" * 100_000),
]


def _assert_refused(done: subprocess.CompletedProcess[bytes]) -> None:
    assert done.returncode == 2
    assert done.stdout == b""
    stderr = done.stderr.decode("utf-8")
    assert stderr.endswith("\n")
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("flagdesk eligibility: invalid input")


@pytest.mark.parametrize("stdin", [i[1] for i in INVALID], ids=[i[0] for i in INVALID])
def test_invalid_input_exits_2_with_one_line(inproc: InProcess, stdin: bytes) -> None:
    _assert_refused(inproc(stdin, "-"))


SUBPROCESS_INVALID = [
    "not-json",
    "array",
    "attempts-string",
    "too-large",
    "not-utf8",
    "deep-nesting",
]


@pytest.mark.parametrize(
    "stdin",
    [i[1] for i in INVALID if i[0] in SUBPROCESS_INVALID],
    ids=[i[0] for i in INVALID if i[0] in SUBPROCESS_INVALID],
)
def test_the_console_command_refuses_invalid_input(cli_env: dict[str, str], stdin: bytes) -> None:
    _assert_refused(run_cli(cli_env, stdin, "-"))


def test_missing_file_exits_2(inproc: InProcess, tmp_path: Path) -> None:
    _assert_refused(inproc(b"", str(tmp_path / "nope.json")))


def test_large_file_exits_2(inproc: InProcess, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (1024 * 1024) + json.dumps(request()).encode())
    _assert_refused(inproc(b"", str(path)))


def test_exactly_one_megabyte_is_accepted(inproc: InProcess) -> None:
    body = json.dumps(request()).encode()
    padded = body + b" " * (1024 * 1024 - len(body))
    done = inproc(padded, "-")
    assert done.returncode == 0, done.stderr
