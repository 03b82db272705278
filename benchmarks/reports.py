# SPDX-License-Identifier: EUPL-1.2
"""Report rendering time for a busy election: 10,000 signals and 200 deployments.

Usage (from the repository root)::

    .venv/bin/python benchmarks/reports.py [--signals N] [--deployments N] [--keep FILE]

The script makes a temporary FLAGDESK_DATA_DIR with a fresh SQLite database, migrates it
and bulk-creates (through the ORM, like benchmarks/intake.py) the signals on ~0.7 as many
cases of TK2023, some refused at intake and counted citizen referrals, and ``--deployments``
cases each with an assessment, an approved deploy decision, a frozen notice with its
delivery and an acknowledgment in the mail archive. It then times the report's stages —
build (queries and redaction), HTML, PDF (layout and writing PDF/A) — and prints them with
the page count. Goal (issue 4): the PDF in ≤ 30 s. Not a test: speed lives here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 30.0
AMS = dt.timezone(dt.timedelta(hours=1))
NOTICE_BODY = """Dear people at {platform},

The Dutch ministry of the Interior would like to point you to a specific message being spread
on {platform}. It concerns a message that states that voters should check two boxes on the
ballot. Checking two boxes would lead to a vote being invalid.

Can you look at this message and related messages and check whether they are a violation of
your policy? See {url}

Please acknowledge receipt of this notification by replying to this e-mail.

Kind regards,

{name}
Democracy and Governance Division
Ministry of the Interior and Kingdom Relations
"""
ACK_BODY = "Dear {name},\n\nThanks a lot, our Trust & Safety teams will look into it.\n\nKind regards,\n\nTrust & Safety\n"
NAMES = ["Jan de Vries", "Fatima el Amrani", "Pieter Jansen", "Sanne Bakker", "Ahmed Yilmaz"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", type=int, default=10_000)
    parser.add_argument("--deployments", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Also write the PDF here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flagdesk-report-bench-") as data_dir:
        _configure(Path(data_dir))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        populate(args.signals, args.deployments)
        print(f"populate: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        measure(args)


def _configure(data_dir: Path) -> None:
    sys.path.insert(0, str(REPO))
    os.environ["FLAGDESK_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["FLAGDESK_SECRET_KEY"] = "benchmark-only-" + "x" * 40
    os.environ["DJANGO_SETTINGS_MODULE"] = "flagdesk.settings"


def populate(n_signals: int, n_deployments: int) -> None:
    from flagdesk.elections.models import Election

    rng = random.Random(4)
    election = Election.objects.get(code="TK2023")
    cases = _cases(election, max(n_deployments, int(n_signals * 0.7)), rng)
    _signals(election, cases, n_signals, rng)
    _refusals(election)
    _deployments(cases[:n_deployments], rng)


def _cases(election: Any, count: int, rng: random.Random) -> list[Any]:
    from flagdesk.intake.models import Case, CaseState, Category
    from flagdesk.platforms.models import Platform

    platforms = list(Platform.objects.all())
    categories = list(Category.values)
    cases = [
        Case(
            reference=f"FD-2023-{n:05d}",
            election=election,
            platform=rng.choice(platforms),
            category="misinformation" if n < 400 else rng.choice(categories),
            state=CaseState.DECIDED if n < 400 else CaseState.NEW,
        )
        for n in range(1, count + 1)
    ]
    return Case.objects.bulk_create(cases, batch_size=2000)


def _signals(election: Any, cases: list[Any], count: int, rng: random.Random) -> None:
    from flagdesk.intake.models import IntakeOutcome, Signal

    sources = ["media", "factchecker", "government_monitoring", "co_government"]
    start = dt.datetime(2023, 10, 11, 8, tzinfo=AMS)
    signals = []
    for n in range(count):
        case = cases[n % len(cases)]
        refused = n % 50 == 49
        signals.append(
            Signal(
                election=election,
                case=None if refused else case,
                received_at=start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 40)),
                received_via="email",
                source_organisation_name="Benchmark Media",
                source_type=rng.choice(sources),
                category=case.category,
                platform=case.platform,
                platform_name=case.platform.slug,
                explanation="Bericht roept kiezers op twee vakjes rood te maken; dat maakt de "
                "stem ongeldig.",
                intake_outcome=IntakeOutcome.REFUSED if refused else IntakeOutcome.NEW_CASE,
                intake_reasons=["NO_CHANNEL"] if refused else [],
            )
        )
    Signal.objects.bulk_create(signals, batch_size=2000)


def _refusals(election: Any) -> None:
    from flagdesk.intake.models import RefusalCount

    RefusalCount.objects.bulk_create(
        RefusalCount(
            day=dt.date(2023, 11, 22) - dt.timedelta(days=d),
            election=election,
            platform_key=key,
            source_type="citizen",
            referred=True,
            count=3 + d,
        )
        for d in range(10)
        for key in ("x", "meta", "tiktok")
    )


def _deployments(cases: list[Any], rng: random.Random) -> None:
    from flagdesk.accounts import service as accounts
    from flagdesk.assessments.models import Assessment, Decision
    from flagdesk.notices.models import Delivery, Notice

    assessor, _pw = accounts.create_staff_user("bench-assessor", ["assessor"])
    approver, _pw = accounts.create_staff_user("bench-approver", ["approver"])
    sent = [
        dt.datetime(2023, 11, 1, 9, tzinfo=AMS) + dt.timedelta(hours=i * 2)
        for i in range(len(cases))
    ]
    Assessment.objects.bulk_create(
        Assessment(
            case=case,
            election_process_risk=True,
            misleading=True,
            misleading_reasoning="Wie twee vakjes inkleurt brengt een ongeldige stem uit.",
            harms=["invalid_vote"],
            eligible=True,
            rules_version="2023.11-1",
            assessed_by=assessor,
        )
        for case in cases
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            case=case,
            outcome="deploy",
            justification="Onjuiste informatie over het stemmen.",
            engine_eligible=True,
            rules_version="2023.11-1",
            decided_by=assessor,
            decided_at=when - dt.timedelta(minutes=20),
            status="approved",
            reviewed_by=approver,
            reviewed_at=when - dt.timedelta(minutes=10),
        )
        for case, when in zip(cases, sent, strict=True)
    )
    notices = Notice.objects.bulk_create(
        _notice(case, decision, when, NAMES[i % len(NAMES)], i)
        for i, (case, decision, when) in enumerate(zip(cases, decisions, sent, strict=True))
    )
    Delivery.objects.bulk_create(
        Delivery(notice=notice, state="accepted", attempts=1, accepted_at=when)
        for notice, when in zip(notices, sent, strict=True)
    )
    _acknowledgments(notices, sent, rng)


def _notice(case: Any, decision: Any, when: dt.datetime, name: str, i: int) -> Any:
    from flagdesk.notices.models import Notice

    url = f"https://x.com/someone/status/{10_000_000 + i}"
    return Notice(
        case=case,
        decision=decision,
        platform=case.platform,
        status="frozen",
        channel_kind="email",
        recipient=f"escalations@{case.platform.slug}.example",
        subject=f"Urgent notification of possible violation – Dutch election [{case.reference}]",
        body=NOTICE_BODY.format(platform=case.platform.name, url=url, name=name),
        message_id=f"<bench-{i}@minbzk.example>",
        sender_name=name,
        sender_email=f"{name.lower().replace(' ', '.')}@minbzk.example",
        frozen_at=when - dt.timedelta(seconds=30),
        acknowledged_at=when + dt.timedelta(seconds=60 + (i * 37) % 3000),
    )


def _acknowledgments(notices: list[Any], sent: list[dt.datetime], rng: random.Random) -> None:
    from flagdesk.mailarchive.models import MailMessage

    MailMessage.objects.bulk_create(
        MailMessage(
            sha256=f"{i:064x}",
            size=400,
            raw_path=f"bench/{i}.eml",
            message_id=f"<ack-{i}@platform.example>",
            in_reply_to=notice.message_id,
            subject=f"Re: {notice.subject}",
            from_address=notice.recipient,
            from_name="Trust & Safety",
            to=notice.sender_email,
            date=notice.acknowledged_at,
            archived_at=notice.acknowledged_at,
            kind="acknowledgment",
            text=ACK_BODY.format(name=notice.sender_name),
            case=notice.case,
            notice=notice,
            match_method="thread",
        )
        for i, notice in enumerate(notices)
    )


def measure(args: argparse.Namespace) -> None:
    from flagdesk.elections import service as elections
    from flagdesk.reports.content import build_report
    from flagdesk.reports.redactions import CombinedRedactions, TermRedactions, default_redactions
    from flagdesk.reports.render.html import render_html
    from flagdesk.reports.render.pdf import html_to_pdf

    election = elections.get_election("TK2023")
    base = default_redactions(election)
    source = CombinedRedactions(base, TermRedactions(NAMES))
    timings: dict[str, float] = {}

    started = time.perf_counter()
    report = build_report(election, redactions=source)
    timings["build"] = time.perf_counter() - started
    started = time.perf_counter()
    html = render_html(report)
    timings["html"] = time.perf_counter() - started
    started = time.perf_counter()
    pdf = html_to_pdf(html, report)
    timings["pdf"] = time.perf_counter() - started
    if args.keep:
        args.keep.write_bytes(pdf.data)
    engine = "" if getattr(base, "available", True) else " (no engine installed)"
    _print(args, report, pdf, timings, type(base).__name__ + engine)


def _print(
    args: argparse.Namespace, report: Any, pdf: Any, timings: dict[str, float], source: str
) -> None:
    total = sum(timings.values())
    print(
        f"| Signals | Deployments | Build | HTML | PDF | Total | Pages | PDF size | Goal ≤ {GOAL_SECONDS:.0f} s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print(
        f"| {args.signals:,} | {report.deployments} | {timings['build']:.1f} s | "
        f"{timings['html']:.1f} s | {timings['pdf']:.1f} s | **{total:.1f} s** | {pdf.pages} | "
        f"{len(pdf.data) / 1e6:.1f} MB | {'met' if total <= GOAL_SECONDS else 'NOT met'} |"
    )
    print(f"\nRedaction source: {source} + a deny-list of the benchmark's names")
    print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"Date: {dt.date.today().isoformat()}")


if __name__ == "__main__":
    main()
