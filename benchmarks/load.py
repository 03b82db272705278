# SPDX-License-Identifier: EUPL-1.2
"""Election-day surge: partners, staff and workers at once, stepped up until it breaks.

Usage (from the repository root; needs the ``bench`` extra, which ``make bench`` installs)::

    .venv/bin/python benchmarks/load.py [--db sqlite|postgres|both] [--steps 4,16,32,64]
                                        [--step-seconds 45] [--web-workers 4]
                                        [--sample-seconds 2] [--drain-seconds 600]

Per database the script

1. creates a fresh database (SQLite in a temporary FLAGDESK_DATA_DIR; PostgreSQL as
   ``flagdesk_bench_load``, dropped and created with psql), migrates it and fills it with
   ``--signals`` signals on their cases (benchmarks/intake.py's bulk fill), partner
   organisations with API tokens, staff accounts with TOTP devices, and cases prepared up
   to a proposed deploy decision (benchmarks/mail.py's helpers);
2. starts, in a background process, aiosmtpd (the platform), Dovecot (the team mailbox) and
   ``flagdesk worker`` processes (one watching the mailbox, the others ``--no-mail``; every
   worker drains the priority lane of notices and mail first); every ``--notice-interval``
   seconds it approves one decision and sends its notice (a worker delivers it to aiosmtpd)
   and APPENDs the platform's acknowledgment of an earlier notice to Dovecot (a worker
   archives and links it). Every ``--sample-seconds`` it samples the queue depth as /health
   reports it: tasks waiting per queue, and cases waiting for matching (a signal marks its
   case for matching, coalesced: one marker per case, one batch task for many cases), and on
   PostgreSQL the server backends' wait events;
3. starts gunicorn with deploy/gunicorn.conf.py and ``--web-workers`` sync workers on a free
   loopback port;
4. runs locust as a library (its own process, since locust patches the standard library with
   gevent): half the simulated users are partners who POST /api/v1/signalen with their
   token (a quarter of the URLs repeat an earlier one and join its case), half are staff who
   log in with password and TOTP once, then open the dashboard, the case list and case
   pages; while a staff user reads a page (the think time, 1-3 s) the page polls every
   ``--live-poll-seconds`` (1.5; 0 = no polling) with If-None-Match, as live.js does
   (issue 15). The user count is stepped up (``--steps``); each step is measured for
   ``--step-seconds`` after all its users have started;
5. when the last step ends the load stops and the workers go on until nothing waits (no task
   waiting or running, no case waiting for matching), for at most ``--drain-seconds``.

Per step it reports throughput, p50/p99 and the error rate of the pages, the notices sent
during the step with their send → accepted p50/p99, and the queue depth (most and last);
per database whether and how fast the queues drained after the load, and the queue depth
over the run. A step breaks when more than 1 % of its requests fail, its page p99 is above
1 s, or its notice p99 is above 2 s. Every loop is bounded in count and in time; everything
listens on 127.0.0.1 only. Results: docs/benchmarks.md. (``--notice-workers`` is ignored:
since issue 17 every worker has the lane, no worker is set aside for notices.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
PG_BENCH_DB = "flagdesk_bench_load"
LIST_ELECTION = "TK2025"
STAFF_PREFIX = "load-staff-"
STAFF_PASSWORD = "load-password-not-secret-1"
PARTNERS = 8
TEAM = "flagdesk@bench.example"
BREAK_ERROR_RATE = 0.01
BREAK_P99_MS = 1000.0
# The day is about notices: a step whose notices wait longer than this breaks too.
BREAK_NOTICE_P99_S = 2.0
# A live page asks whether it changed this often (FLAGDESK_LIVE_POLL_MS's default).
LIVE_POLL_SECONDS = 1.5


# --------------------------------------------------------------------------------------
# Setup phase: a child process with the benchmark database configured.


def phase_setup(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks_db.models import DBTaskResult

    from benchmarks import intake as intake_bench
    from benchmarks import mail as mail_bench
    from flagdesk.accounts import service as accounts
    from flagdesk.intake.models import Case
    from flagdesk.narratives.models import MatchingWanted

    call_command("migrate", verbosity=0)
    tokens, partner_ids = [], []
    for n in range(PARTNERS):
        partner = accounts.create_partner(f"Load Partner {n}", "media")
        partner_ids.append(partner.pk)
        tokens.append(accounts.issue_token(name=f"load-{n}", organisation=partner)[1])
    staff = []
    for n in range(args.staff_accounts):
        user, _ = accounts.create_staff_user(
            f"{STAFF_PREFIX}{n}", ["assessor"], password=STAFF_PASSWORD, must_change_password=False
        )
        device = TOTPDevice.objects.create(user=user, name="load", confirmed=True)
        staff.append({"username": user.username, "totp_key": device.key})
    started = time.perf_counter()
    populated = intake_bench._populate(args.signals, partner_ids[0])
    people = mail_bench.create_people()
    decisions = mail_bench.prepare_decisions(args.notices, people)
    # Preparing the decisions queued narrative matching for their cases (a batch task and a
    # marker per case, since issue 17): not part of the surge.
    DBTaskResult.objects.all().delete()
    MatchingWanted.objects.all().delete()
    references = list(
        Case.objects.filter(election__code=LIST_ELECTION)
        .order_by("?")
        .values_list("reference", flat=True)[:500]
    )
    fixture = {
        "tokens": tokens,
        "staff": staff,
        "references": references,
        "decisions": [d.pk for d in decisions],
        "populated": populated,
        "setup_seconds": round(time.perf_counter() - started, 1),
    }
    args.fixture.write_text(json.dumps(fixture), encoding="utf-8")


# --------------------------------------------------------------------------------------
# Background phase: the platform, the mailbox, the workers and the approving desk.


def phase_background(args: argparse.Namespace) -> None:
    import django

    django.setup()
    import threading

    from django.utils import timezone

    from benchmarks import mail as mail_bench
    from flagdesk.accounts.models import User
    from flagdesk.assessments.models import Decision
    from tests_support.dovecot import DovecotServer
    from tests_support.smtp import SmtpServer

    fixture = json.loads(args.fixture.read_text(encoding="utf-8"))
    people = {
        "assessor": User.objects.get(username="bench-assessor"),
        "approver": User.objects.get(username="bench-approver"),
    }
    decisions = list(Decision.objects.filter(pk__in=fixture["decisions"]).order_by("pk"))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    data_dir = args.out.parent
    sent: list[tuple[Any, Any]] = []
    appended: list[tuple[str, Any]] = []
    failed: list[str] = []
    sampler = QueueSampler(args.sample_seconds)
    with SmtpServer() as smtp, DovecotServer() as dovecot, contextlib.ExitStack() as stack:
        settings = {
            "FLAGDESK_SMTP_URL": smtp.url,
            "FLAGDESK_IMAP_URL": dovecot.url(),
            "FLAGDESK_FROM_EMAIL": TEAM,
        }
        for i in range(args.flagdesk_workers):
            # Every worker drains the priority lane (notices, mail) first (issue 17), so
            # no worker is set aside for notices; one of them watches the mailbox.
            extra = ["--no-mail"] if i else []
            stack.enter_context(
                mail_bench.flagdesk_worker(data_dir / f"worker-{i}.log", *extra, **settings)
            )
        stack.enter_context(sampler.running())
        (data_dir / "background.ready").write_text("ready", encoding="utf-8")
        deadline = time.monotonic() + args.max_seconds
        with dovecot.mailbox() as client:
            for index, decision in enumerate(decisions):
                if stop.is_set() or time.monotonic() > deadline:
                    break
                tick = time.monotonic()
                try:
                    sent.append((mail_bench.approve_and_send(decision, people), timezone.now()))
                except Exception as exc:  # counted and reported; the surge goes on
                    failed.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
                if len(sent) > 3 and len(appended) < len(sent) - 3:
                    notice = sent[len(appended)][0]
                    message_id = f"<ack-{index}.{notice.pk}@x.example>"
                    appended.append((message_id, timezone.now()))
                    client.append(mail_bench.acknowledgment(notice, index), "INBOX")
                stop.wait(max(0.0, args.notice_interval - (time.monotonic() - tick)))
        # The load has stopped (SIGTERM from the parent): the workers go on until the
        # queues are empty, and how long that takes is part of the result.
        load_stopped = time.time()
        backlog = _backlog_now()
        drained_after = _wait_until_drained(load_stopped, args.drain_seconds)
        result = _background_result(sent, appended)
        result |= {
            "desk_failures": failed,
            "task_backlog_at_stop": backlog["tasks"],
            "matching_backlog_at_stop": backlog["cases"],
            "load_stopped_at": load_stopped,
            "drained_after_seconds": drained_after,
            "drain_limit_seconds": args.drain_seconds,
            "left_undrained": None if drained_after is not None else _backlog_now(),
        }
    result["samples"] = sampler.samples
    args.out.write_text(json.dumps(result), encoding="utf-8")


class QueueSampler:
    """Every few seconds, on a thread of its own (and its own database connection): the tasks
    waiting per queue, the tasks running, the cases waiting for matching (coalesced: one
    marker per case, whatever the number of signals) — what /health reports as ``queues``
    and ``matching`` — and on PostgreSQL what the server's backends are waiting for."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.samples: list[dict[str, Any]] = []

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        import threading

        done = threading.Event()
        thread = threading.Thread(target=self._loop, args=(done,), daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join(timeout=30)

    def _loop(self, done: Any) -> None:
        from django.db import connection

        try:
            while not done.is_set():
                tick = time.monotonic()
                try:
                    self.samples.append(self.sample())
                except Exception as exc:  # a sample lost is reported, not fatal
                    self.samples.append({"t": time.time(), "error": str(exc)[:200]})
                done.wait(max(0.0, self.every - (time.monotonic() - tick)))
        finally:
            connection.close()

    @staticmethod
    def sample() -> dict[str, Any]:
        from django.db import connection

        from flagdesk.core import queues

        sample: dict[str, Any] = {
            "t": time.time(),
            "queues": {q.name: q.waiting for q in queues.queue_states()},
            **_backlog_now(),
        }
        if connection.vendor == "postgresql":
            sample["pg"] = _pg_activity()
        sample["cpu"] = cpu_seconds_by_process()
        return sample


# Which process does what, by its command line: where the two cores go during a step.
# The first that matches counts (the benchmark's own command lines name a directory with
# "postgres" in it, so they come before the server's processes).
_ROLES = (
    ("--phase locust", "load generator"),
    ("--phase background", "desk, sampler, aiosmtpd"),
    ("gunicorn", "web (gunicorn)"),
    ("flagdesk.cli worker", "flagdesk workers"),
    ("postgres:", "PostgreSQL"),
    ("/bin/postgres", "PostgreSQL"),
    ("dovecot", "Dovecot"),
)


def cpu_seconds_by_process() -> dict[str, list[Any]]:
    """Per process on this machine (pid as text, for JSON): its role and the CPU seconds
    (user + system) it has used so far (Linux /proc). A step's share is the difference
    between two samples, process by process, since processes come and go (gunicorn
    restarts its workers after ``max_requests``, and their database backends with them)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[str, list[Any]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        role = next((name for key, name in _ROLES if key in command), "other")
        found[proc.name] = [role, (int(fields[11]) + int(fields[12])) / ticks]
    return found


def cores_by_role(first: dict[str, list[Any]], last: dict[str, list[Any]], seconds: float) -> dict:
    """CPU cores each role used between two samples: the processes alive at the second, less
    what each had used at the first (a process that ended in between is not counted)."""
    used: dict[str, float] = {}
    for pid, (role, cpu) in last.items():
        before = first.get(pid)
        since = cpu - before[1] if before and before[0] == role else cpu
        used[role] = used.get(role, 0.0) + max(0.0, since)
    return {role: round(cpu / seconds, 2) for role, cpu in used.items()}


def _backlog_now() -> dict[str, int]:
    """Everything the workers still have to do: tasks waiting or running (any queue, delayed
    retries included) and cases waiting for matching."""
    from django_tasks_db.models import DBTaskResult

    from flagdesk.narratives.models import MatchingWanted

    unfinished = DBTaskResult.objects.filter(status__in=("READY", "RUNNING"))
    return {
        "tasks": unfinished.count(),
        "running": unfinished.filter(status="RUNNING").count(),
        "cases": MatchingWanted.objects.count(),
    }


def _pg_activity() -> dict[str, int]:
    """Backends of this database by what they do: active (on the CPU or waiting), and for
    those waiting the wait event ("Lock:transactionid", "LWLock:WALWrite", "IO:...")."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        rows = cursor.fetchall()
    counts: dict[str, int] = {"connections": len(rows)}
    for state, wait_type, wait_event in rows:
        if state != "active":
            continue
        counts["active"] = counts.get("active", 0) + 1
        if wait_type and wait_type != "Client":
            key = f"{wait_type}:{wait_event}"
            counts[key] = counts.get(key, 0) + 1
    return counts


def _wait_until_drained(since: float, limit: float) -> float | None:
    """Seconds from ``since`` until no task waits or runs and no case waits for matching;
    None when that does not happen within ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while True:
        backlog = _backlog_now()
        if backlog["tasks"] == 0 and backlog["cases"] == 0:
            return round(time.time() - since, 1)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.5)


def _background_result(sent: list[tuple[Any, Any]], appended: list[tuple[str, Any]]) -> dict:
    from flagdesk.mailarchive.models import MailMessage
    from flagdesk.notices.models import Delivery

    # The approval is stamped just after approve_and_send returns, so the latency below is
    # "send clicked → accepted by the platform's server", which is the workers' part.
    deadline = time.monotonic() + 60
    notices = [notice for notice, _ in sent]
    while time.monotonic() < deadline:
        done = Delivery.objects.filter(notice__in=notices, accepted_at__isnull=False).count()
        archived = MailMessage.objects.filter(message_id__in=[m for m, _ in appended]).count()
        if done == len(notices) and archived == len(appended):
            break
        time.sleep(0.5)
    accepted = {
        d.notice_id: d.accepted_at
        for d in Delivery.objects.filter(notice__in=notices, accepted_at__isnull=False)
    }
    # One row per notice sent: when (epoch seconds, to place it in a step) and how long until
    # the platform accepted it (None: not accepted at all).
    sends = [
        {
            "at": t0.timestamp(),
            "latency": (accepted[n.pk] - t0).total_seconds() if n.pk in accepted else None,
        }
        for n, t0 in sent
    ]
    archived_at = dict(
        MailMessage.objects.filter(message_id__in=[m for m, _ in appended]).values_list(
            "message_id", "archived_at"
        )
    )
    mail_latency = [(archived_at[m] - t0).total_seconds() for m, t0 in appended if m in archived_at]
    return {
        "notices_sent": len(sent),
        "notices_accepted": len(accepted),
        "sends": sends,
        "send_latency": [s["latency"] for s in sends if s["latency"] is not None],
        "mails_appended": len(appended),
        "mails_archived": len(archived_at),
        "mail_latency": mail_latency,
    }


# --------------------------------------------------------------------------------------
# Locust phase: its own process, because locust monkey-patches the standard library.


def phase_locust(args: argparse.Namespace) -> None:
    import itertools
    import random
    import re
    import urllib.parse

    import gevent
    from locust import between, task
    from locust.contrib.fasthttp import FastHttpUser
    from locust.env import Environment
    from locust.stats import StatsEntry

    from benchmarks.intake import intake_body, totp, x_url

    fixture = json.loads(args.fixture.read_text(encoding="utf-8"))
    tokens, staff, references = fixture["tokens"], fixture["staff"], fixture["references"]
    partner_numbers, staff_numbers, urls = itertools.count(), itertools.count(), itertools.count()
    logged_in = [0]
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    class Partner(FastHttpUser):
        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            token = tokens[next(partner_numbers) % len(tokens)]
            self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        @task
        def submit_signal(self) -> None:
            n = next(urls)
            # A quarter repeat a URL submitted earlier (the signal joins that case).
            if n > 8 and n % 4 == 0:
                earlier = random.randrange(n)
                url = x_url(8, earlier + 1 if earlier % 4 == 0 else earlier)
            else:
                url = x_url(8, n)
            with self.client.post(
                "/api/v1/signalen",
                data=intake_body(url),
                headers=self.headers,
                name="partner: POST /api/v1/signalen",
                catch_response=True,
            ) as response:
                if response.status_code != 201:
                    response.failure(f"status {response.status_code}")

    class Staff(FastHttpUser):
        polls = 0
        open_page: tuple[str, str, str] = ("", "", "")
        opened_at = 0.0

        def on_start(self) -> None:
            account = staff[next(staff_numbers) % len(staff)]
            self._form("/login", {"username": account["username"], "password": STAFF_PASSWORD})
            self._form("/account/2fa", {"token": totp(account["totp_key"])})
            logged_in[0] += 1

        def _form(self, path: str, fields: dict[str, str]) -> None:
            page = self.client.get(path, name=f"login: GET {path}")
            match = csrf.search(page.text or "")
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": match.group(1) if match else "", **fields}
            )
            with self.client.post(
                path,
                data=body,
                headers=form,
                name=f"login: POST {path}",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"login step {path}: status {response.status_code}")

        def _page(self, path: str, name: str) -> None:
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
            # Every staff page is live (issue 15): while the user reads it, it asks every
            # --live-poll-seconds whether it changed, as live.js does.
            self.open_page = (path, name, response.headers.get("ETag") or "")
            self.opened_at = time.monotonic()
            self.polls = 0

        def wait_time(self) -> float:
            """The think time, 1-3 s as before issue 15, with the open page polling during it."""
            think_until = time.monotonic() + random.uniform(1.0, 3.0)
            if not args.live_poll_seconds or not self.open_page[2]:
                return max(0.0, think_until - time.monotonic())
            while True:
                next_poll = self.opened_at + args.live_poll_seconds * (self.polls + 1)
                if next_poll > think_until:
                    self.polls = 0
                    return max(0.0, think_until - time.monotonic())
                gevent.sleep(max(0.0, next_poll - time.monotonic()))
                self.polls += 1
                self._poll()

        def _poll(self) -> None:
            path, name, etag = self.open_page
            if not etag:
                return
            headers = {"X-FlagDesk-Live": "1", "If-None-Match": etag}
            with self.client.get(
                path,
                headers=headers,
                name=name.replace("GET", "poll"),
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    self.open_page = (path, name, response.headers.get("ETag") or etag)
                elif response.status_code != 304:
                    response.failure(f"poll status {response.status_code}")

        @task(2)
        def dashboard(self) -> None:
            self._page("/", "staff: GET / (dashboard)")

        @task(3)
        def case_list(self) -> None:
            self._page(f"/cases?election={LIST_ELECTION}", "staff: GET /cases")

        @task(3)
        def case_page(self) -> None:
            self._page(f"/cases/{random.choice(references)}", "staff: GET /cases/<ref>")

    env = Environment(user_classes=[Partner, Staff], host=f"http://127.0.0.1:{args.port}")
    runner = env.create_local_runner()
    steps: list[dict[str, Any]] = []
    for users in args.steps:
        ramp_started_at = time.time()
        runner.start(users, spawn_rate=max(2.0, users / 5))
        deadline = time.monotonic() + 120
        while runner.user_count < users and time.monotonic() < deadline:
            gevent.sleep(0.5)
        # Staff log in once (PBKDF2: CPU-heavy); measure after the last login, not during.
        staff_users = runner.user_classes_count.get("Staff", 0)
        while logged_in[0] < staff_users and time.monotonic() < deadline:
            gevent.sleep(0.5)
        gevent.sleep(2)
        env.stats.reset_all()
        started, started_at = time.monotonic(), time.time()
        gevent.sleep(args.step_seconds)
        seconds = time.monotonic() - started
        entries = dict(env.stats.entries)
        total = StatsEntry(env.stats, "total", "")
        per_name: dict[str, Any] = {}
        for (name, _method), entry in entries.items():
            if name.startswith("login:"):
                continue
            total.extend(entry)
            per_name[name] = _summary(entry, seconds)
        logins = [e for (name, _m), e in entries.items() if name.startswith("login: POST")]
        step = {
            "users": users,
            "running": runner.user_count,
            "seconds": round(seconds, 1),
            # Wall-clock bounds (epoch seconds), to place notices and queue samples from the
            # background process in the step: from the ramp-up, and the measured part.
            "ramp_started_at": ramp_started_at,
            "started_at": started_at,
            "ended_at": time.time(),
            **_summary(total, seconds),
            "per_name": per_name,
            "logins": sum(e.num_requests for e in logins),
            "errors_by_kind": {
                f"{e.method} {e.name}: {e.error}"[:200]: e.occurrences
                for e in env.stats.errors.values()
            },
            "load": os.getloadavg()[0],
        }
        steps.append(step)
        print(f"[load] {users} users: {json.dumps({k: step[k] for k in _SHOWN})}", flush=True)
        if step["error_rate"] > 0.5:
            break  # broken beyond doubt; a bigger step only takes longer
    runner.quit()
    args.out.write_text(json.dumps(steps), encoding="utf-8")


_SHOWN = ("requests", "rps", "p50_ms", "p99_ms", "error_rate")


def _summary(entry: Any, seconds: float) -> dict[str, Any]:
    requests = entry.num_requests
    return {
        "requests": requests,
        "failures": entry.num_failures,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": entry.get_response_time_percentile(0.5) if requests else math.nan,
        "p99_ms": entry.get_response_time_percentile(0.99) if requests else math.nan,
        "error_rate": entry.num_failures / requests if requests else 0.0,
    }


# --------------------------------------------------------------------------------------
# Parent: one database at a time, end to end.


def database_env(db: str, data_dir: Path) -> dict[str, str]:
    from benchmarks import intake as intake_bench

    env = intake_bench.database_env(db, data_dir)
    env.pop("WEB_CONCURRENCY", None)
    env.update(FLAGDESK_FROM_EMAIL=TEAM, FLAGDESK_LOG_FORMAT="json", FLAGDESK_LOG_LEVEL="INFO")
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_BENCH_DB}"
    return env


def child(phase: str, **extra: Any) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    return command


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> Iterator[None]:
    from tests_support import servers

    config = str(REPO / "deploy" / "gunicorn.conf.py")
    args = ["--config", config, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    with servers.gunicorn(args, env, log, port):
        yield


def run_database(db: str, args: argparse.Namespace) -> dict[str, Any]:
    import shutil

    from benchmarks.intake import psql
    from tests_support.servers import free_port

    data_dir = Path(tempfile.mkdtemp(prefix=f"flagdesk-bench-load-{db}-"))
    try:
        env = database_env(db, data_dir)
        if db == "postgres":
            psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            psql(f"CREATE DATABASE {PG_BENCH_DB}")
        fixture = data_dir / "fixture.json"
        print(
            f"[{db}] migrating, populating {args.signals} signals, preparing cases ...", flush=True
        )
        staff_accounts = max(args.steps) // 2 + 4
        setup = child(
            "setup",
            fixture=fixture,
            signals=args.signals,
            notices=args.notices,
            staff_accounts=staff_accounts,
        )
        # The setup's thousands of audit lines would bury the progress: warnings only.
        quiet = {**env, "FLAGDESK_LOG_LEVEL": "WARNING"}
        subprocess.run(setup, env=quiet, cwd=REPO, check=True, timeout=1800)
        flagdesk_workers = args.flagdesk_workers or (1 if db == "sqlite" else 2)
        background_out = data_dir / "background.json"
        background = subprocess.Popen(
            child(
                "background",
                fixture=fixture,
                out=background_out,
                flagdesk_workers=flagdesk_workers,
                notice_interval=args.notice_interval,
                sample_seconds=args.sample_seconds,
                drain_seconds=args.drain_seconds,
                max_seconds=len(args.steps) * (args.step_seconds + 150) + 300,
            ),
            env=env,
            cwd=REPO,
            stdout=(data_dir / "background.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while not (data_dir / "background.ready").exists():
                if background.poll() is not None or time.monotonic() > deadline:
                    tail = (data_dir / "background.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"[{db}] background did not start:\n{tail}")
                time.sleep(0.5)
            port = free_port()
            steps_out = data_dir / "steps.json"
            with gunicorn(env, port, args.web_workers, data_dir / "gunicorn.log"):
                print(
                    f"[{db}] gunicorn ({args.web_workers} workers) on 127.0.0.1:{port}, "
                    f"{flagdesk_workers} flagdesk worker(s); stepping {args.steps} ...",
                    flush=True,
                )
                subprocess.run(
                    child(
                        "locust",
                        fixture=fixture,
                        out=steps_out,
                        port=port,
                        steps=",".join(map(str, args.steps)),
                        step_seconds=args.step_seconds,
                        live_poll_seconds=args.live_poll_seconds,
                    ),
                    env=env,
                    cwd=REPO,
                    check=True,
                    timeout=len(args.steps) * (args.step_seconds + 150) + 60,
                )
        finally:
            background.send_signal(signal.SIGTERM)
            try:
                # It waits for the last notices (up to 60 s) and for the queues to drain.
                background.wait(timeout=args.drain_seconds + 180)
            except subprocess.TimeoutExpired:
                background.kill()
                background.wait()
        log = (data_dir / "gunicorn.log").read_text(errors="replace")
        workers_log = "".join(
            p.read_text(errors="replace") for p in sorted(data_dir.glob("*worker-*.log"))
        )
        if background_out.exists():
            background_result = json.loads(background_out.read_text(encoding="utf-8"))
        else:
            tail = (data_dir / "background.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"[{db}] the background process wrote no result:\n{tail}")
        steps = json.loads(steps_out.read_text(encoding="utf-8"))
        for step in steps:
            step["notices"] = step_notices(step, background_result["sends"])
            step["queue"] = step_queue(step, background_result["samples"])
        return {
            "db": db,
            "steps": steps,
            "background": background_result,
            "flagdesk_workers": flagdesk_workers,
            "web_workers": args.web_workers,
            "server_errors_logged": log.count('"level": "error"'),
            "locked_errors": _lines_with(log, "database is locked"),
            "deadlocks_web": _lines_with(log, "deadlock detected"),
            "deadlocks_workers": _lines_with(workers_log, "deadlock detected"),
            "locked_workers": _lines_with(workers_log, "database is locked"),
        }
    finally:
        if args.keep:
            print(f"[{db}] kept {data_dir}", flush=True)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def _lines_with(log: str, text: str) -> int:
    return sum(1 for line in log.splitlines() if text in line)


# --------------------------------------------------------------------------------------
# Report.


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None or math.isnan(value):
        return "–"
    return "never" if math.isinf(value) else f"{value:.{digits}f}"


def step_notices(step: dict[str, Any], sends: list[dict[str, Any]]) -> dict[str, Any]:
    """The notices sent while the step was measured: how many, how many the platform
    accepted, and send → accepted p50/p99 in seconds (one never accepted counts as
    infinitely late, so it shows in the p99 instead of vanishing from it)."""
    mine = [s for s in sends if step["started_at"] <= s["at"] <= step["ended_at"]]
    latencies = [math.inf if s["latency"] is None else s["latency"] for s in mine]
    return {
        "sent": len(mine),
        "accepted": sum(1 for s in mine if s["latency"] is not None),
        "p50_s": percentile(latencies, 50),
        "p99_s": percentile(latencies, 99),
    }


def step_queue(step: dict[str, Any], samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Queue depth during the step (from its ramp-up to its end): tasks due per queue, and
    cases waiting for matching (coalesced, so a surge of signals shows here, not as tasks);
    the most at any sample and the last sample. On PostgreSQL also the backends' wait
    events, as the mean number of backends per sample."""
    mine = [
        s
        for s in samples
        if "error" not in s and step["ramp_started_at"] <= s["t"] <= step["ended_at"]
    ]
    if not mine:
        return {"samples": 0}
    waiting = [sum(s["queues"].values()) for s in mine]
    per_queue = {q: max(s["queues"].get(q, 0) for s in mine) for q in mine[-1]["queues"]}
    summary: dict[str, Any] = {
        "samples": len(mine),
        "tasks_max": max(waiting),
        "tasks_end": waiting[-1],
        "per_queue_max": per_queue,
        "cases_max": max(s["cases"] for s in mine),
        "cases_end": mine[-1]["cases"],
    }
    measured = [s for s in mine if s["t"] >= step["started_at"] and "cpu" in s]
    if len(measured) >= 2:
        first, last = measured[0], measured[-1]
        seconds = last["t"] - first["t"]
        summary["cores_by_role"] = cores_by_role(first["cpu"], last["cpu"], seconds)
    pg = [s["pg"] for s in mine if "pg" in s]
    if pg:
        keys = {k for p in pg for k in p}
        summary["pg_mean"] = {k: round(sum(p.get(k, 0) for p in pg) / len(pg), 2) for k in keys}
    return summary


def break_reasons(step: dict[str, Any]) -> list[str]:
    """Why a step counts as broken: errors, page latency, or notices that waited (empty if
    it held). A step during which no notice was sent is judged on the pages only."""
    reasons = []
    if step["error_rate"] > BREAK_ERROR_RATE:
        reasons.append(f"{step['error_rate']:.1%} errors")
    if step["p99_ms"] > BREAK_P99_MS:
        reasons.append(f"page p99 {fmt(step['p99_ms'])} ms")
    notice_p99 = step.get("notices", {}).get("p99_s", math.nan)
    if not math.isnan(notice_p99) and notice_p99 > BREAK_NOTICE_P99_S:
        late = "a notice never accepted" if math.isinf(notice_p99) else f"{notice_p99:.1f} s"
        reasons.append(f"notice p99 {late}")
    return reasons


def broken(step: dict[str, Any]) -> bool:
    return bool(break_reasons(step))


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| Database | Users | req/s | p50 ms | p99 ms | Errors | intake p99 | case list p99 "
        "| case page p99 | dashboard p99 | notices sent (accepted) | send → accepted p50 / p99 s "
        "| tasks waiting max / end | cases to match max / end | Load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
        "| ---: | ---: | ---: |",
    ]
    names = (
        "partner: POST /api/v1/signalen",
        "staff: GET /cases",
        "staff: GET /cases/<ref>",
        "staff: GET / (dashboard)",
    )
    for result in results:
        for step in result["steps"]:
            per = [step["per_name"].get(n, {}).get("p99_ms", math.nan) for n in names]
            mark = " **✗**" if broken(step) else ""
            sent, queue = step.get("notices", {}), step.get("queue", {})
            lines.append(
                f"| {result['db']} | {step['users']}{mark} | {fmt(step['rps'], 1)} "
                f"| {fmt(step['p50_ms'])} | {fmt(step['p99_ms'])} "
                f"| {step['error_rate']:.1%} | " + " | ".join(fmt(p) for p in per) + " "
                f"| {sent.get('sent', 0)} ({sent.get('accepted', 0)}) "
                f"| {fmt(sent.get('p50_s'), 2)} / {fmt(sent.get('p99_s'), 2)} "
                f"| {queue.get('tasks_max', '–')} / {queue.get('tasks_end', '–')} "
                f"| {queue.get('cases_max', '–')} / {queue.get('cases_end', '–')} "
                f"| {step['load']:.1f} |"
            )
    lines.append("")
    for result in results:
        lines += _summary_lines(result)
    return "\n".join(lines)


def _summary_lines(result: dict[str, Any]) -> list[str]:
    first = next((s for s in result["steps"] if broken(s)), None)
    where = (
        f"breaks at {first['users']} users ({', '.join(break_reasons(first))})"
        if first
        else f"holds up to {result['steps'][-1]['users']} users"
    )
    bg = result["background"]
    send, mail = bg["send_latency"], bg["mail_latency"]
    errors: dict[str, int] = {}
    for step in result["steps"]:
        for kind, count in step["errors_by_kind"].items():
            errors[kind] = errors.get(kind, 0) + count
    lines = [
        f"- {result['db']}: {where}. Workers ({result['flagdesk_workers']}, each with the "
        f"priority lane), whole run: "
        f"{bg['notices_accepted']}/{bg['notices_sent']} notices accepted by the platform, "
        f"send → accepted p50 {fmt(percentile(send, 50), 2)} s, "
        f"p99 {fmt(percentile(send, 99), 2)} s; "
        f"{bg['mails_archived']}/{bg['mails_appended']} acknowledgments archived, "
        f"APPEND → archived p50 {fmt(percentile(mail, 50), 2)} s, "
        f"p99 {fmt(percentile(mail, 99), 2)} s; "
        f"{len(bg.get('desk_failures', []))} approve-and-send failures; "
        f"{result['server_errors_logged']} error lines in the web log "
        f"({result['locked_errors']} 'database is locked', "
        f"{result['deadlocks_web']} 'deadlock detected'); in the workers' logs "
        f"{result['deadlocks_workers']} 'deadlock detected', "
        f"{result['locked_workers']} 'database is locked' (retried).",
        "  " + drain_line(bg),
        "  " + queue_series_line(result),
    ]
    lanes = _lane_maxima(result)
    if lanes:
        lines.append("  Most tasks waiting in one queue during a step: " + lanes + ".")
    cpu = _cpu_lines(result)
    if cpu:
        lines.append("  CPU cores used per step (of 2, from /proc): " + cpu + ".")
    pg = _pg_lines(result)
    if pg:
        lines.append("  PostgreSQL backends (mean per sample): " + pg + ".")
    if bg.get("desk_failures"):
        lines.append("  Approve-and-send failures: " + "; ".join(sorted(set(bg["desk_failures"]))))
    if errors:
        shown = sorted(errors.items(), key=lambda kv: -kv[1])[:4]
        lines.append("  Errors: " + "; ".join(f"{kind} ({count}×)" for kind, count in shown))
    return lines


def drain_line(bg: dict[str, Any]) -> str:
    at_stop = (
        f"When the load stopped {bg['task_backlog_at_stop']} tasks waited or ran and "
        f"{bg['matching_backlog_at_stop']} cases waited for matching"
    )
    if bg["drained_after_seconds"] is not None:
        return f"{at_stop}; **drained {bg['drained_after_seconds']:.0f} s after the load stopped**."
    left = bg.get("left_undrained") or {}
    return (
        f"{at_stop}; **not drained** {bg['drain_limit_seconds']:.0f} s after the load stopped "
        f"({left.get('tasks', '?')} tasks, {left.get('cases', '?')} cases left)."
    )


def queue_series_line(result: dict[str, Any], every: float = 10.0) -> str:
    """The queue depth over the run, one point per ``every`` seconds: tasks waiting (all
    queues) / cases waiting for matching; "|" where a step's measurement starts, "■" where
    the load stopped."""
    samples = [s for s in result["background"]["samples"] if "error" not in s]
    if not samples:
        return "Queue depth: no samples."
    marks = sorted(
        [(s["started_at"], "|") for s in result["steps"]]
        + [(result["background"]["load_stopped_at"], "■")]
    )
    points, next_at, t0 = [], samples[0]["t"], samples[0]["t"]
    for sample in samples:
        while marks and marks[0][0] <= sample["t"]:
            points.append(marks.pop(0)[1])
        if sample["t"] >= next_at:
            points.append(f"{sum(sample['queues'].values())}/{sample['cases']}")
            next_at = sample["t"] + every
    points += [mark for _, mark in marks]
    return (
        f"Queue depth every {every:.0f} s from the workers' start "
        f"(tasks waiting / cases to match; | step measured from here, ■ load stopped; "
        f"{len(samples)} samples over {samples[-1]['t'] - t0:.0f} s): " + " ".join(points)
    )


def _lane_maxima(result: dict[str, Any]) -> str:
    parts = []
    for step in result["steps"]:
        per_queue = step.get("queue", {}).get("per_queue_max")
        if per_queue:
            queues = ", ".join(f"{name} {n}" for name, n in per_queue.items())
            parts.append(f"{step['users']} users: {queues}")
    return "; ".join(parts)


def _cpu_lines(result: dict[str, Any]) -> str:
    parts = []
    for step in result["steps"]:
        cores = step.get("queue", {}).get("cores_by_role")
        if cores:
            shown = sorted(((r, c) for r, c in cores.items() if c >= 0.01), key=lambda rc: -rc[1])
            parts.append(f"{step['users']} users: " + ", ".join(f"{r} {c}" for r, c in shown))
    return "; ".join(parts)


def _pg_lines(result: dict[str, Any]) -> str:
    parts = []
    for step in result["steps"]:
        pg = step.get("queue", {}).get("pg_mean")
        if not pg:
            continue
        waits = sorted(((k, v) for k, v in pg.items() if ":" in k), key=lambda kv: -kv[1])[:4]
        shown = ", ".join(f"{k} {v}" for k, v in waits) or "no waits"
        parts.append(
            f"{step['users']} users: {pg.get('connections', 0)} connected, "
            f"{pg.get('active', 0)} active; waiting on {shown}"
        )
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--steps", default="4,16,32,64", help="user counts, comma-separated")
    parser.add_argument("--step-seconds", type=float, default=45.0)
    parser.add_argument(
        "--live-poll-seconds",
        type=float,
        default=LIVE_POLL_SECONDS,
        help="how often each open staff page polls (issue 15); 0: no polling, as before",
    )
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--flagdesk-workers",
        type=int,
        default=0,
        help="flagdesk worker processes (default: 1 on SQLite, 2 on PostgreSQL)",
    )
    parser.add_argument(
        "--notice-workers",
        type=int,
        default=0,
        help="ignored (kept so older command lines run): every worker drains the priority "
        "lane first since issue 17, so no worker is set aside for notices",
    )
    parser.add_argument(
        "--sample-seconds", type=float, default=2.0, help="queue depth sampled this often"
    )
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=600.0,
        help="after the load, wait this long at most for the queues to drain",
    )
    parser.add_argument("--signals", type=int, default=20_000, help="signals before the surge")
    parser.add_argument("--notices", type=int, default=400, help="decisions ready to approve")
    parser.add_argument("--notice-interval", type=float, default=1.0, help="seconds per notice")
    parser.add_argument("--keep", action="store_true", help="keep the data and log directory")
    parser.add_argument("--save", type=Path, help="write the raw results as JSON to this file")
    parser.add_argument(
        "--phase", choices=["setup", "background", "locust"], help=argparse.SUPPRESS
    )
    for hidden in ("fixture", "out"):
        parser.add_argument(f"--{hidden}", type=Path, help=argparse.SUPPRESS)
    for hidden in ("staff-accounts", "port", "max-seconds"):
        parser.add_argument(f"--{hidden}", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.steps = [int(n) for n in str(args.steps).split(",") if n.strip()]
    if args.staff_accounts is not None:
        args.staff_accounts = int(args.staff_accounts)
    if args.port is not None:
        args.port = int(args.port)

    if args.notice_workers and not args.phase:
        print("[load] --notice-workers is ignored: every worker has the priority lane", flush=True)
    if args.phase:
        {"setup": phase_setup, "background": phase_background, "locust": phase_locust}[args.phase](
            args
        )
        return 0

    from benchmarks.intake import machine

    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for db in databases:
        results.append(run_database(db, args))
        print(report(results[-1:]), flush=True)
        if args.save:
            args.save.write_text(json.dumps(results), encoding="utf-8")
    print()
    print("Machine:\n" + "\n".join(machine()))
    print(f"\nCommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"gunicorn {args.web_workers} sync workers (deploy/gunicorn.conf.py); half partners "
        f"(think 0.5–1.5 s), half staff (think 1–3 s); {args.step_seconds:.0f} s per step; "
        f"one notice approved and one acknowledgment appended every {args.notice_interval} s\n"
    )
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
