# SPDX-License-Identifier: EUPL-1.2
"""The priority lane and coalesced matching under an election-day surge (issue 17).

Usage (from the repository root)::

    .venv/bin/python benchmarks/lane.py [--db sqlite|postgres|both] [--notices 20]
        [--flood 3000] [--signals 2000] [--cases 500]

Per database, in a fresh database (SQLite in a temporary FLAGDESK_DATA_DIR; PostgreSQL as
``flagdesk_bench_lane``), before any worker runs:

- a surge through intake: ``--signals`` signals spread over ``--cases`` cases (each case gets
  a marker, one matching batch task waits for all of them: the coalescing is counted);
- a flood: ``--flood`` matching tasks of the old kind (one per signal, as versions before
  issue 17 queued them), inserted in bulk.

Then one ``flagdesk worker`` starts with ``make run``'s command line (no options) against
aiosmtpd, and ``--notices`` notices are approved and sent one by one with a short pause:
latency = ``Delivery.accepted_at`` minus the moment before the approval (as in
benchmarks/mail.py (a)), with the matching tasks still waiting at that moment. Last, the
time from the worker's start until the whole backlog is drained (no task waiting or
running, no case waiting for matching) is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mail import (  # the sibling benchmark's helpers
    PG_ADMIN_URL,
    REPO,
    approve_and_send,
    check_alive,
    create_people,
    database_env,
    flagdesk_worker,
    prepare_decisions,
    wait_until,
)

PG_BENCH_DB = "flagdesk_bench_lane"


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def run_database(db: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"flagdesk-bench-lane-{db}-"))
    try:
        if db == "postgres":
            psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            psql(f"CREATE DATABASE {PG_BENCH_DB}")
        out = data_dir / "result.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--phase", "run", "--db", db]
        command += ["--out", str(out), "--notices", str(args.notices), "--flood", str(args.flood)]
        command += ["--signals", str(args.signals), "--cases", str(args.cases)]
        env = database_env(db, data_dir)
        if db == "postgres":
            env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_BENCH_DB}"
        log_path = data_dir / "benchmark.log"
        with log_path.open("wb") as stderr:
            done = subprocess.run(command, env=env, stderr=stderr, cwd=REPO, check=False)
        if done.returncode:
            tail = log_path.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"[{db}] benchmark failed ({done.returncode}):\n{tail}")
        return dict(json.loads(out.read_text(encoding="utf-8")))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if db == "postgres":
            with contextlib.suppress(subprocess.CalledProcessError):
                psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


# --------------------------------------------------------------------------------------
# Child: everything that needs Django, against the database in the environment.


def log(db: str, text: str) -> None:
    print(f"[{db}] {text}", file=sys.stderr, flush=True)


def surge(signals: int, cases: int) -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    from flagdesk.elections.models import Election
    from flagdesk.intake import service as intake
    from flagdesk.narratives.models import MatchingWanted
    from flagdesk.narratives.tasks import match_wanted_cases

    election = Election.objects.get(code="TK2023")
    rng = random.Random(17)
    for n in range(signals):
        intake.record_signal(
            intake.SignalInput(
                election=election,
                source_type="media",
                category="misinformation",
                platform_name="x",
                content_urls=[f"https://x.com/surge/status/{1_800_000_000_000 + n % cases}"],
                explanation=rng.choice(
                    [
                        "Kleur twee vakjes rood, dan telt je stem voor beide partijen.",
                        "Stembureaus sluiten dit jaar om vijf uur, stemmen kan ook morgen.",
                        "Je mag met een blauwe pen stemmen, de kleur maakt niet uit.",
                    ]
                )
                + f" Bericht {n}.",
                received_via="email",
                source_organisation_name="NOS",
            )
        )
    return {
        "signals": signals,
        "markers": MatchingWanted.objects.count(),
        "batch_tasks": DBTaskResult.objects.filter(
            task_path=match_wanted_cases.module_path
        ).count(),
    }


def flood(case_id: int, count: int) -> None:
    from django_tasks_db.models import DBTaskResult

    from flagdesk.narratives.tasks import suggest_narratives

    row = DBTaskResult.objects.get(pk=suggest_narratives.enqueue(case_id).id)
    copies = []
    for _ in range(count - 1):
        row.pk = uuid.uuid4()
        copies.append(
            DBTaskResult(**{f.attname: getattr(row, f.attname) for f in row._meta.fields})
        )
    DBTaskResult.objects.bulk_create(copies, batch_size=500)


def backlog() -> int:
    from django_tasks_db.models import DBTaskResult

    from flagdesk.narratives.models import MatchingWanted

    waiting = DBTaskResult.objects.filter(status__in=("READY", "RUNNING")).count()
    return waiting + MatchingWanted.objects.count()


def phase_run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from flagdesk.narratives.models import MatchingWanted
    from flagdesk.notices.models import Delivery
    from tests_support.smtp import SmtpServer

    call_command("migrate", verbosity=0)
    people = create_people()
    decisions = prepare_decisions(args.notices + 1, people)
    # What preparing the decisions queued: the surge starts from an empty queue.
    DBTaskResult.objects.all().delete()
    MatchingWanted.objects.all().delete()
    log(args.db, f"surge: {args.signals} signals on {args.cases} cases ...")
    coalescing = surge(args.signals, args.cases)
    flood(decisions[0].case_id, args.flood)
    log(args.db, f"{coalescing}, flood of {args.flood}; worker starts")
    data_dir = Path(settings.DATA_DIR)
    log_path = data_dir / "worker.log"
    latencies: list[float] = []
    left: list[int] = []
    rng = random.Random(3)
    with SmtpServer() as smtp, flagdesk_worker(log_path, FLAGDESK_SMTP_URL=smtp.url) as worker:
        started = time.monotonic()
        time.sleep(1.0)  # the worker is up and into the backlog
        for index, decision in enumerate(decisions[1:]):
            check_alive(worker, log_path)
            t0 = timezone.now()
            notice = approve_and_send(decision, people)
            smtp.wait_for(index + 1, timeout=60)
            left.append(backlog())
            wait_until(
                lambda n=notice: Delivery.objects.filter(notice=n, state="accepted").exists(),
                "accepted recorded",
                poll=0.01,
            )
            accepted = Delivery.objects.get(notice=notice).accepted_at
            latencies.append((accepted - t0).total_seconds())
            time.sleep(rng.uniform(0.05, 0.3))
        wait_until(lambda: backlog() == 0, "the backlog drained", timeout=1800, poll=0.5)
        drained = time.monotonic() - started
    result = {
        "db": args.db,
        "coalescing": coalescing,
        "flood": args.flood,
        "latencies": latencies,
        "backlog_at_send_min": min(left),
        "drain_seconds": round(drained, 1),
    }
    args.out.write_text(json.dumps(result), encoding="utf-8")


def report(result: dict[str, Any]) -> str:
    lat = sorted(result["latencies"])
    p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
    c = result["coalescing"]
    return (
        f"| {result['db']} | {c['signals']} → {c['markers']} cases → {c['batch_tasks']} task | "
        f"{result['flood']} | {statistics.median(lat):.3f} / {p99:.3f} / {lat[-1]:.3f} s | "
        f"{result['backlog_at_send_min']} | {result['drain_seconds']} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--phase", choices=["all", "run"], default="all")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--notices", type=int, default=20)
    parser.add_argument("--flood", type=int, default=3000)
    parser.add_argument("--signals", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=500)
    args = parser.parse_args()
    if args.phase == "run":
        phase_run(args)
        return
    print(
        "| DB | surge: signals → cases → batch tasks | old-style tasks flooded | "
        "notice send → accepted p50 / p99 / max | backlog left at the sends (min) | "
        "drained after |"
    )
    print("|---|---|---:|---|---:|---:|")
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        print(report(run_database(db, args)), flush=True)


if __name__ == "__main__":
    main()
