# SPDX-License-Identifier: EUPL-1.2
"""Notices out through SMTP, answers in through IMAP: latency and archive throughput.

Usage (from the repository root)::

    .venv/bin/python benchmarks/mail.py [--db sqlite|postgres|both] [--quick]

Per database, in a fresh database (SQLite in a temporary FLAGDESK_DATA_DIR; PostgreSQL as
``flagdesk_bench_mail``, dropped and created with psql: not ``flagdesk_bench``, so this can
run next to benchmarks/intake.py) the script measures with real servers and real
``flagdesk worker`` processes:

(a) approval → SMTP accepted: aiosmtpd stands in for the platform and one
    ``flagdesk worker --no-mail`` runs with the product's default queue interval. For every
    case (prepared up to the proposed deploy decision) the approver approves, which drafts
    the notice, and the assessor sends it; the latency is ``Delivery.accepted_at`` (written
    by the worker) minus the moment before the approval. One case at a time with a short
    random pause, so this is latency, not queueing. Every notice must reach aiosmtpd once.
(b) IMAP arrival → archived and linked: Dovecot and one ``flagdesk worker`` watching the
    team mailbox with IDLE. For every notice sent in (a) the platform's acknowledgment
    (In-Reply-To = the notice's Message-ID) is APPENDed; the latency is
    ``MailMessage.archived_at`` minus the moment before the APPEND. It must be linked to the
    notice, whose ``acknowledged_at`` must be set.
(c) ingestion throughput: a fresh Dovecot mailbox is filled (straight into the Maildir) with
    realistic mail — replies and acknowledgments threaded to the notices, unmatched mail,
    DSN bounces, out-of-office answers, replies with a 50–200 KB attachment — and one
    ``MailboxWatcher.run_once()`` with the real archive (``import_raw``, database cursor)
    is timed in this process. A fetch-only run (no-op deliver, fresh in-memory cursor)
    before it shows what the IMAP side costs on its own.

Speed goals (issue 3: p95 ≤ 1 s, p95 ≤ 2 s with IDLE, ≥ 200 messages/s) live here, never as
timed asserts in the test suite. The result is printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# The test servers live outside the installed package, in the repository (tests_support).
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
PG_BENCH_DB = "flagdesk_bench_mail"
TEAM = "flagdesk@bench.example"
PLATFORM_ADDRESS = "escalations@x.example"
WARMUP_CASES = 3

GOALS = {
    "a": ("p95", 1.0, "p95 ≤ 1 s"),
    "b": ("p95", 2.0, "p95 ≤ 2 s"),
    "c": ("rate", 200.0, "≥ 200 msg/s"),
}


# --------------------------------------------------------------------------------------
# Parent: one child process per database, then the report.


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def database_env(db: str, data_dir: Path) -> dict[str, str]:
    # The product's own settings (no benchmark overrides) and its default worker interval.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLAGDESK_")}
    env.update(
        FLAGDESK_DATA_DIR=str(data_dir),
        FLAGDESK_SECRET_KEY="benchmark-only-" + "x" * 40,
        FLAGDESK_FROM_EMAIL=TEAM,
        DJANGO_SETTINGS_MODULE="flagdesk.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_BENCH_DB}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    return env


def run_database(db: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"flagdesk-bench-mail-{db}-"))
    try:
        if db == "postgres":
            psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            psql(f"CREATE DATABASE {PG_BENCH_DB}")
        out = data_dir / "result.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--phase", "run"]
        command += ["--db", db, "--out", str(out), *sizes_args(args)]
        # The product logs every archived mail at INFO (its default): to a file, not the screen.
        log_path = data_dir / "benchmark.log"
        with log_path.open("wb") as stderr:
            done = subprocess.run(command, env=database_env(db, data_dir), stderr=stderr, cwd=REPO)
        if done.returncode:
            tail = log_path.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"[{db}] benchmark failed ({done.returncode}):\n{tail}")
        return dict(json.loads(out.read_text(encoding="utf-8")))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if db == "postgres":
            with contextlib.suppress(subprocess.CalledProcessError):
                psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def sizes_args(args: argparse.Namespace) -> list[str]:
    profile = ["--profile", str(args.profile.resolve())] if args.profile else []
    return [
        *profile,
        "--sends",
        str(args.sends),
        "--acks",
        str(args.acks),
        "--messages",
        str(args.messages),
        "--notices",
        str(args.notices),
    ]


# --------------------------------------------------------------------------------------
# Child: everything that needs Django, against the database in the environment.


def phase_run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    people = create_people()
    total_cases = WARMUP_CASES + max(args.notices, args.sends)
    log(args.db, f"preparing {total_cases} cases up to the proposed decision ...")
    started = time.perf_counter()
    decisions = prepare_decisions(total_cases, people)
    prepare_seconds = time.perf_counter() - started
    data_dir = Path(settings.DATA_DIR)
    rows: list[dict[str, Any]] = []
    rows += scenario_send(args, decisions, people, data_dir)
    rows += scenario_arrival(args, data_dir)
    rows += scenario_ingest(args)
    result = {
        "db": args.db,
        "rows": rows,
        "worker_interval": settings.WORKER_INTERVAL,
        "prepare_seconds": round(prepare_seconds, 1),
        "cases": total_cases,
    }
    args.out.write_text(json.dumps(result), encoding="utf-8")


def log(db: str, text: str) -> None:
    print(f"[{db}] {text}", flush=True)


def create_people() -> dict[str, Any]:
    from flagdesk.accounts import service as accounts
    from flagdesk.platforms.models import Platform

    assessor, _ = accounts.create_staff_user(
        "bench-assessor", ["assessor"], email="assessor@bench.example"
    )
    assessor.first_name, assessor.last_name = "Bench", "Assessor"
    assessor.save()
    approver, _ = accounts.create_staff_user("bench-approver", ["approver"])
    Platform.objects.filter(slug="x").update(
        channel_kind="email", channel_address=PLATFORM_ADDRESS, channel_active=True
    )
    return {"assessor": assessor, "approver": approver}


ELIGIBLE = {
    "election_process_risk": True,
    "election_process_risk_reasoning": "The post is about how to fill in the ballot today.",
    "misleading": True,
    "misleading_reasoning": "The post tells GroenLinks/PvdA voters to colour two boxes; "
    "that makes the vote invalid.",
    "harms": ["invalid_vote"],
    "harms_reasoning": "Invalid votes.",
}


def prepare_decisions(count: int, people: dict[str, Any]) -> list[Any]:
    """Cases through intake, assessment and a proposed deploy decision: what the approver sees."""
    from flagdesk.assessments import service as assessments
    from flagdesk.elections.models import Election
    from flagdesk.intake import service as intake

    election = Election.objects.get(code="TK2023")
    decisions = []
    for n in range(count):
        result = intake.record_signal(
            intake.SignalInput(
                election=election,
                source_type="media",
                category="misinformation",
                platform_name="x",
                content_urls=[f"https://x.com/bench/status/{1_700_000_000_000 + n}"],
                explanation="Call to colour two boxes on the ballot.",
                received_via="email",
                source_organisation_name="NOS",
            )
        )
        assert result.case is not None
        assessments.save_assessment(result.case, ELIGIBLE, people["assessor"])
        decisions.append(
            assessments.propose_decision(
                result.case, "deploy", "Clear risk of invalid votes.", people["assessor"]
            )
        )
    return decisions


def approve_and_send(decision: Any, people: dict[str, Any]) -> Any:
    """The approver's click (which drafts the notice), then the assessor's click on send."""
    from flagdesk.assessments import service as assessments
    from flagdesk.notices import service as notices
    from flagdesk.notices.models import Notice

    assessments.review_decision(decision, True, people["approver"])
    notice = Notice.objects.get(decision=decision, follows__isnull=True)
    notices.send(notice, people["assessor"])
    return notice


# --- worker processes ----------------------------------------------------------------


@contextlib.contextmanager
def flagdesk_worker(
    log_path: Path, *args: str, **settings: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``flagdesk worker`` on the same database; stopped with SIGTERM afterwards."""
    env = dict(os.environ)
    env.update(settings)
    command = [sys.executable, "-m", "flagdesk.cli", "worker", *args]
    with log_path.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(
    condition: Callable[[], bool], what: str, timeout: float = 60, poll: float = 0.01
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for: {what}")
        time.sleep(poll)


def check_alive(process: subprocess.Popen[bytes], log_path: Path) -> None:
    if process.poll() is not None:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"worker exited with {process.returncode}:\n{tail}")


# --- (a) approval → SMTP accepted -------------------------------------------------------


def scenario_send(
    args: argparse.Namespace, decisions: list[Any], people: dict[str, Any], data_dir: Path
) -> list[dict[str, Any]]:
    from django.utils import timezone

    from flagdesk.notices.models import Delivery
    from tests_support.smtp import SmtpServer

    rng = random.Random(3)
    log_path = data_dir / "worker-send.log"
    measured: list[tuple[Any, dt.datetime]] = []
    click_seconds: list[float] = []
    load = os.getloadavg()[0]
    with (
        SmtpServer() as smtp,
        flagdesk_worker(log_path, "--no-mail", FLAGDESK_SMTP_URL=smtp.url) as worker,
    ):
        log(args.db, f"(a) worker up; approving and sending {args.sends} notices one by one ...")
        for index, decision in enumerate(decisions[: WARMUP_CASES + args.sends]):
            check_alive(worker, log_path)
            t0 = timezone.now()
            started = time.perf_counter()
            notice = approve_and_send(decision, people)
            click_seconds.append(time.perf_counter() - started)
            if len(smtp.wait_for(index + 1, timeout=60)) <= index:
                raise RuntimeError(f"notice {notice.pk} did not reach aiosmtpd within 60 s")
            if index >= WARMUP_CASES:
                measured.append((notice, t0))
            time.sleep(rng.uniform(0.05, 0.3))
        # The remaining cases become the sent notices that the mailbox of (c) refers to.
        rest = decisions[WARMUP_CASES + args.sends :]
        log(args.db, f"(a) done; sending {len(rest)} more notices for (c) ...")
        for decision in rest:
            approve_and_send(decision, people)
        total = len(decisions)
        smtp.wait_for(total, timeout=120)
        wait_until(
            lambda: Delivery.objects.filter(state="accepted").count() == total,
            "all deliveries accepted",
            timeout=120,
            poll=0.2,
        )
        received = smtp.messages
    once = exactly_once(received, decisions)
    latencies = []
    for notice, t0 in measured:
        accepted_at = Delivery.objects.get(notice=notice).accepted_at
        latencies.append((accepted_at - t0).total_seconds())
    clicks = click_seconds[WARMUP_CASES : WARMUP_CASES + args.sends]
    return [
        {
            "key": "a",
            "scenario": "(a) approval → SMTP accepted (Delivery.accepted_at)",
            "latencies": latencies,
            "load": load,
            "note": f"{once}; worker --no-mail",
        },
        {
            "key": "",
            "scenario": "(a) of which approve + send clicks in-process",
            "latencies": clicks,
            "load": load,
            "note": "review_decision (drafts the notice) + notices.send, perf_counter",
        },
    ]


def exactly_once(received: list[Any], decisions: list[Any]) -> str:
    from flagdesk.notices.models import Notice

    expected = set(
        Notice.objects.filter(decision__in=decisions).values_list("message_id", flat=True)
    )
    ids = Counter(
        str(BytesHeaderParser().parsebytes(message.data)["Message-ID"] or "").strip()
        for message in received
    )
    twice = sum(1 for n in ids.values() if n > 1)
    missing = len(expected - set(ids))
    extra = len(set(ids) - expected)
    if twice or missing or extra:
        raise RuntimeError(f"SMTP: {twice} duplicated, {missing} missing, {extra} unexpected")
    return f"all {len(expected)} notices arrived exactly once at aiosmtpd"


# --- (b) IMAP arrival → archived and linked ------------------------------------------------


def acknowledgment(notice: Any, number: int) -> bytes:
    from django.utils import timezone

    message = EmailMessage()
    message["From"] = "X Trust and Safety <escalations@x.example>"
    message["To"] = TEAM
    message["Subject"] = f"Re: {notice.subject}"
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = f"<ack-{number}.{notice.pk}@x.example>"
    message["In-Reply-To"] = notice.message_id
    message["References"] = notice.message_id
    message.set_content(
        "Hello,\n\nThank you for contacting X. We have received your report and our Trust & "
        f"Safety teams will look into it.\n\nTicket {900000 + number}\n"
    )
    return message.as_bytes()


def scenario_arrival(args: argparse.Namespace, data_dir: Path) -> list[dict[str, Any]]:
    from django.utils import timezone

    from flagdesk.mailarchive.models import MailMessage
    from flagdesk.notices.models import Notice
    from tests_support.dovecot import DovecotServer

    sent = list(Notice.objects.filter(status="frozen").order_by("frozen_at")[: args.acks])
    log_path = data_dir / "worker-imap.log"
    timings: list[tuple[Any, str, dt.datetime, dt.datetime]] = []
    load = os.getloadavg()[0]
    with (
        DovecotServer() as dovecot,
        flagdesk_worker(log_path, FLAGDESK_IMAP_URL=dovecot.url()) as worker,
        dovecot.mailbox() as client,
    ):
        log(args.db, f"(b) worker watching Dovecot; appending {len(sent)} acknowledgments ...")
        warm_up_watcher(client)
        for number, notice in enumerate(sent):
            check_alive(worker, log_path)
            raw = acknowledgment(notice, number)
            message_id = f"<ack-{number}.{notice.pk}@x.example>"
            t0 = timezone.now()
            client.append(raw, "INBOX")
            wait_until(
                lambda mid=message_id: MailMessage.objects.filter(message_id=mid).exists(),
                f"{message_id} archived",
            )
            timings.append((notice, message_id, t0, timezone.now()))
            time.sleep(0.3)
    archived, visible = verify_acknowledged(timings)
    return [
        {
            "key": "b",
            "scenario": "(b) IMAP APPEND → archived + linked (MailMessage.archived_at)",
            "latencies": archived,
            "load": load,
            "note": "IDLE; every one linked to its notice and case, notice acknowledged",
        },
        {
            "key": "",
            "scenario": "(b) IMAP APPEND → row visible to another process",
            "latencies": visible,
            "load": load,
            "note": "committed; polled every 10 ms",
        },
    ]


def warm_up_watcher(client: Any) -> None:
    """One unmatched mail: once it is archived, the watcher is connected and back in IDLE."""
    from flagdesk.mailarchive.models import MailMessage

    message = EmailMessage()
    message["From"] = "someone@example.org"
    message["To"] = TEAM
    message["Subject"] = "Warm-up"
    message["Message-ID"] = "<warm-up@example.org>"
    message.set_content("Warm-up.\n")
    client.append(message.as_bytes(), "INBOX")
    wait_until(lambda: MailMessage.objects.exists(), "the watcher archives the warm-up mail")
    time.sleep(1.0)


def verify_acknowledged(
    timings: list[tuple[Any, str, dt.datetime, dt.datetime]],
) -> tuple[list[float], list[float]]:
    from flagdesk.mailarchive.models import Kind, MailMessage
    from flagdesk.notices.models import Notice

    archived, visible = [], []
    for notice, message_id, t0, seen in timings:
        message = MailMessage.objects.get(message_id=message_id)
        fresh = Notice.objects.get(pk=notice.pk)
        linked = message.notice_id == notice.pk and message.case_id == notice.case_id
        if not linked or message.kind != Kind.ACKNOWLEDGMENT or fresh.acknowledged_at is None:
            raise RuntimeError(f"{message_id}: not linked or not acknowledged ({message.kind})")
        archived.append((message.archived_at - t0).total_seconds())
        visible.append((seen - t0).total_seconds())
    return archived, visible


# --- (c) ingestion throughput -------------------------------------------------------------


class MemoryCursor:
    """A cursor that forgets: for the fetch-only run."""

    def __init__(self) -> None:
        self.position: tuple[int | None, int] = (None, 0)

    def load(self) -> tuple[int | None, int]:
        return self.position

    def save(self, uidvalidity: int, last_uid: int) -> None:
        self.position = (uidvalidity, last_uid)


def scenario_ingest(args: argparse.Namespace) -> list[dict[str, Any]]:
    from flagdesk.mailarchive.imap import MailboxWatcher, parse_imap_url
    from flagdesk.notices.models import Notice
    from tests_support.dovecot import DovecotServer

    notices = list(Notice.objects.filter(status="frozen").order_by("pk"))
    with DovecotServer() as dovecot:
        started = time.perf_counter()
        written = dovecot.write_maildir(mailbox_messages(args.messages, notices, random.Random(5)))
        write_seconds = time.perf_counter() - started
        index_seconds = index_mailbox(dovecot)
        log(args.db, f"(c) {written} messages in the Maildir; fetch-only run ...")
        config = parse_imap_url(dovecot.url())

        def discard(raw: bytes, uidvalidity: int, uid: int) -> None:
            pass

        fetch_only = timed_run(MailboxWatcher(config, MemoryCursor(), discard), args.messages)
        log(args.db, f"(c) fetch-only {fetch_only['seconds']:.1f} s; archiving run ...")
        archive = archive_run(config, args.messages, args.profile)
    kinds = archive.pop("kinds")
    return [
        {
            "key": "c",
            "scenario": f"(c) ingest {written} messages: run_once() with import_raw",
            "rate": archive["count"] / archive["seconds"],
            "count": archive["count"],
            "seconds": archive["seconds"],
            "load": archive["load"],
            "note": ingest_note(archive, fetch_only, kinds),
        },
        {
            "key": "",
            "scenario": "(c) same mailbox, fetch only (no-op deliver)",
            "rate": fetch_only["count"] / fetch_only["seconds"],
            "count": fetch_only["count"],
            "seconds": fetch_only["seconds"],
            "load": fetch_only["load"],
            "note": f"Maildir written in {write_seconds:.1f} s, Dovecot indexed it in "
            f"{index_seconds:.2f} s (neither counted)",
        },
    ]


def index_mailbox(dovecot: Any) -> float:
    """Let Dovecot index the new Maildir before timing: mail that trickles in over days is
    indexed as it arrives, not all at once by the watcher's first look."""
    started = time.perf_counter()
    with dovecot.mailbox() as client:
        client.folder.set("INBOX", readonly=True)
        client.uids("ALL")
    return time.perf_counter() - started


def timed_run(watcher: Any, expected: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    started = time.perf_counter()
    count = watcher.run_once()
    seconds = time.perf_counter() - started
    watcher.close()
    if count != expected:
        raise RuntimeError(f"run_once delivered {count}, expected {expected}")
    return {"count": count, "seconds": seconds, "load": load}


def archive_run(config: Any, expected: int, profile: Path | None) -> dict[str, Any]:
    """The real thing, with the time inside import_raw and cursor.save and the queries counted."""
    from django.db import connection

    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.mailarchive.imap import MailboxWatcher
    from flagdesk.mailarchive.models import MailMessage

    key = f"{config.user}@{config.host}:{config.port}/{config.folder}"
    spent = {"import": 0.0, "cursor": 0.0, "queries": 0}
    # When every tenth of the messages was done: shows whether archiving slows as tables grow.
    marks: list[float] = []
    tenth = max(1, expected // 10)

    def deliver(raw: bytes, uidvalidity: int, uid: int) -> None:
        started = time.perf_counter()
        mailarchive.import_raw(raw, mailbox=key, uid=uid)
        spent["import"] += time.perf_counter() - started
        if uid % tenth == 0:
            marks.append(time.perf_counter())

    class TimedCursor(mailarchive.DatabaseCursor):
        def save(self, uidvalidity: int, last_uid: int) -> None:
            started = time.perf_counter()
            super().save(uidvalidity, last_uid)
            spent["cursor"] += time.perf_counter() - started

    def count_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        spent["queries"] += 1
        return execute(sql, params, many, context)

    watcher = MailboxWatcher(config, TimedCursor(key), deliver, **mailarchive.WATCHER_OPTIONS)
    with connection.execute_wrapper(count_query), profiled(profile):
        result = timed_run(watcher, expected)
    result.update(spent)
    rates = [tenth / (later - earlier) for earlier, later in itertools.pairwise(marks)]
    result["first_last"] = (rates[0], rates[-1]) if rates else (math.nan, math.nan)
    archived = MailMessage.objects.filter(mailbox=key)
    if archived.count() != expected:
        raise RuntimeError(f"{archived.count()} archived, expected {expected}")
    result["kinds"] = dict(Counter(archived.values_list("kind", flat=True)))
    result["matched"] = archived.exclude(match_method="unmatched").count()
    return result


@contextlib.contextmanager
def profiled(path: Path | None) -> Iterator[None]:
    """cProfile the block into ``path`` (``--profile``; it slows the run, so off by default)."""
    if path is None:
        yield
        return
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path.with_suffix(".prof"))
        with path.open("w") as out:
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)


def ingest_note(archive: dict[str, Any], fetch_only: dict[str, Any], kinds: dict[str, int]) -> str:
    total = archive["seconds"]
    imap = total - archive["import"] - archive["cursor"]
    share = (
        f"import_raw {archive['import'] / total:.0%}, cursor.save {archive['cursor'] / total:.0%}, "
        f"IMAP fetch + rest {imap / total:.0%} (fetch-only run: {fetch_only['seconds']:.1f} s)"
    )
    per_message = archive["queries"] / archive["count"]
    kinds_text = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    first, last = archive["first_last"]
    return (
        f"{total:.1f} s; {share}; {per_message:.1f} queries/message; "
        f"second vs last tenth of the mailbox {first:.0f} → {last:.0f} msg/s; "
        f"{archive['matched']} matched; {kinds_text}"
    )


# --- the mailbox of (c) ------------------------------------------------------------------

REPLY_TEXTS = [
    "Hello,\n\nThank you for contacting X. We have received your report and will review it "
    "against our Civic Integrity policy.\n\nX Trust & Safety\n",
    "Hi,\n\nThanks for the notification. The content has been escalated to the relevant team; "
    "we will follow up once we have an update.\n\nBest,\nSam\n",
    "Dear team,\n\nCould you share the exact time you first saw the post and whether other "
    "accounts posted the same text? That helps us prioritise.\n\nKind regards,\nSam\n",
    "Hello again,\n\nA quick update: this is still under review. We will get back to you.\n",
]
UNMATCHED_SUBJECTS = [
    "Nieuwsbrief Kiesraad week {n}",
    "Invitation: election-day coordination call",
    "Your password expires in {n} days",
    "Fwd: screenshots from the municipality",
    "Lunch on Thursday?",
    "[digital-rights] Weekly digest #{n}",
]


def mailbox_messages(count: int, notices: list[Any], rng: random.Random) -> Iterator[bytes]:
    """``count`` messages: 60 % replies/acks, 20 % unmatched, 10 % DSN bounces, 5 % out of
    office, 5 % replies with a 50–200 KB attachment; all threaded to ``notices`` but the
    unmatched ones, in random order."""
    kinds = ["reply"] * 60 + ["unmatched"] * 20 + ["bounce"] * 10 + ["ooo"] * 5 + ["attachment"] * 5
    makers: dict[str, Callable[[int, Any, random.Random], bytes]] = {
        "reply": reply_mail,
        "unmatched": unmatched_mail,
        "bounce": bounce_mail,
        "ooo": out_of_office_mail,
        "attachment": attachment_mail,
    }
    for n in range(count):
        kind = rng.choice(kinds)
        mail = makers[kind](n, rng.choice(notices), rng)
        # After the notice was sent and before it is archived: a plausible answer date.
        yield f"Date: {format_datetime(dt.datetime.now(dt.UTC))}\n".encode() + mail


def _mail(n: int, sender: str, subject: str, notice: Any | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = TEAM
    message["Subject"] = subject
    message["Message-ID"] = f"<bench-{n}@mail.example>"
    if notice is not None:
        message["In-Reply-To"] = notice.message_id
        message["References"] = notice.message_id
    return message


def reply_mail(n: int, notice: Any, rng: random.Random) -> bytes:
    sender = "X Trust and Safety <escalations@x.example>"
    message = _mail(n, sender, f"Re: {notice.subject}", notice)
    text = rng.choice(REPLY_TEXTS) + "\n> " + "\n> ".join(notice.body.splitlines()[:30]) + "\n"
    message.set_content(text)
    if rng.random() < 0.5:
        paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line)
        message.add_alternative(
            f'<html><body><div style="font-family:Arial">{paragraphs}</div>'
            '<img src="https://tracker.example/p.gif" width="1" height="1"></body></html>',
            subtype="html",
        )
    return message.as_bytes()


def unmatched_mail(n: int, notice: Any, rng: random.Random) -> bytes:
    subject = rng.choice(UNMATCHED_SUBJECTS).format(n=n % 50)
    message = _mail(n, f"Someone {n % 97} <person{n % 97}@example.org>", subject, None)
    if "digest" in subject:
        message["List-Id"] = "<digital-rights.lists.example.org>"
    words = ["election", "ballot", "municipality", "count", "turnout", "polling", "station"]
    body = "\n\n".join(" ".join(rng.choices(words, k=60)) for _ in range(rng.randint(1, 6)))
    message.set_content(body + "\n")
    return message.as_bytes()


def bounce_mail(n: int, notice: Any, rng: random.Random) -> bytes:
    permanent = rng.random() < 0.7
    action, status = ("failed", "5.1.1") if permanent else ("delayed", "4.4.1")
    boundary = f"bench-dsn-{n}"
    return f"""\
Return-Path: <>
From: MAILER-DAEMON@mx1.x.example (Mail Delivery System)
Subject: {"Undelivered Mail Returned to Sender" if permanent else "Delayed Mail (still being retried)"}
To: {TEAM}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Message-Id: <dsn-{n}@mx1.x.example>
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.x.example.

<{PLATFORM_ADDRESS}>: host mail.x.example[192.0.2.10] said: {status} {action}

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.x.example

Final-Recipient: rfc822; {PLATFORM_ADDRESS}
Action: {action}
Status: {status}

--{boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Bench Assessor <{TEAM}>
To: {PLATFORM_ADDRESS}
Subject: {notice.subject}
Message-ID: {notice.message_id}

--{boundary}--
""".encode()


def out_of_office_mail(n: int, notice: Any, rng: random.Random) -> bytes:
    sender = "Sam Moderator <sam.moderator@x.example>"
    message = _mail(n, sender, f"Automatic reply: {notice.subject}", notice)
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("I'm out of the office until Monday and will reply when I'm back.\n")
    return message.as_bytes()


def attachment_mail(n: int, notice: Any, rng: random.Random) -> bytes:
    sender = "Sam Moderator <sam.moderator@x.example>"
    message = _mail(n, sender, f"Re: {notice.subject}", notice)
    message.set_content("Please find the screenshot of the post attached.\n\nSam\n")
    payload = rng.randbytes(rng.randint(50_000, 200_000))
    message.add_attachment(payload, maintype="image", subtype="png", filename=f"post-{n}.png")
    return message.as_bytes()


# --------------------------------------------------------------------------------------
# Report.


def machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"- CPU: {cpu}, nproc {os.cpu_count()}",
        f"- Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
    ]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]


def fmt_ms(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


def verdict(row: dict[str, Any]) -> str:
    if row["key"] not in GOALS:
        return ""
    measure, limit, text = GOALS[row["key"]]
    met = percentile(row["latencies"], 95) <= limit if measure == "p95" else row["rate"] >= limit
    return f"{text}: {'met' if met else 'MISSED'}"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| Database | Measurement | n | p50 ms | p95 ms | p99 ms | max ms | msg/s | Goal | Load "
        "| Notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for result in results:
        for row in result["rows"]:
            lines.append(table_row(result["db"], row))
    return "\n".join(lines)


def table_row(db: str, row: dict[str, Any]) -> str:
    cells = [db, row["scenario"]]
    if "latencies" in row:
        values = row["latencies"]
        cells += [str(len(values))]
        cells += [fmt_ms(percentile(values, q)) for q in (50, 95, 99)]
        cells += [fmt_ms(max(values) if values else math.nan), "–"]
    else:
        cells += [str(row["count"]), "–", "–", "–", "–", f"{row['rate']:.0f}"]
    cells += [verdict(row), f"{row['load']:.2f}", row["note"]]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="small numbers: a smoke run")
    parser.add_argument("--sends", type=int, help="notices approved and sent in (a) (100)")
    parser.add_argument("--acks", type=int, help="acknowledgments appended in (b) (100)")
    parser.add_argument("--messages", type=int, help="messages in the mailbox of (c) (10000)")
    parser.add_argument("--notices", type=int, help="sent notices the mailbox refers to (300)")
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile of the archiving run of (c) to PROFILE.<db>.txt (slows it)",
    )
    parser.add_argument("--phase", choices=["run"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    defaults = (10, 10, 500, 30) if args.quick else (100, 100, 10_000, 300)
    for name, default in zip(("sends", "acks", "messages", "notices"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    args.acks = min(args.acks, WARMUP_CASES + max(args.sends, args.notices))
    if args.profile and args.phase == "run":
        args.profile = args.profile.with_name(f"{args.profile.name}.{args.db}.txt")

    if args.phase == "run":
        phase_run(args)
        return 0

    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    started = time.perf_counter()
    results = [run_database(db, args) for db in databases]
    print()
    print("Machine:\n" + "\n".join(machine()))
    print(f"\nCommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    interval = results[0]["worker_interval"]
    print(
        f"Worker: FLAGDESK_WORKER_INTERVAL={interval} s (product default); "
        f"{results[0]['cases']} cases per database; total run {time.perf_counter() - started:.0f} s\n"
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
