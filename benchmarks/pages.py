# SPDX-License-Identifier: EUPL-1.2
"""CPU per page, per intake request and per matched case: this tree against a base commit.

Usage (from the repository root)::

    .venv/bin/python benchmarks/pages.py [--db sqlite|postgres|both] [--base dcb0172]
                                         [--signals 5000] [--reps 50] [--rounds 7]
                                         [--repeat 2] [--only SCENARIO]…
                                         [--profile SCENARIO]

Why CPU time and not latency: the machine is shared, and wall-clock figures move with
whatever else runs. ``time.process_time()`` counts only this process's CPU (user + system),
so a busy neighbour changes it far less (but not to nothing: a shared core and its caches
make the same code take more CPU). Each figure is the best of ``--rounds`` rounds of
``--reps`` requests after a warm-up, and the best of ``--repeat`` child processes per
tree, run alternately (base, this tree, base, ...).

Per database and per tree (the base commit, checked out once with ``git worktree add`` in
/tmp, and this working tree), a child process

1. makes a fresh database (SQLite in a temporary FLAGDESK_DATA_DIR; PostgreSQL as
   ``flagdesk_bench_pages_<tree>``, dropped and created with psql), migrates it and fills
   it with ``--signals`` signals on their cases (benchmarks/intake.py's bulk fill, as
   load.py does), a partner with an API token, a staff member with TOTP, and cases taken
   up to a proposed decision (benchmarks/mail.py's helpers);
2. logs in through the login and TOTP forms with Django's test ``Client`` (the whole
   middleware stack, the product settings: DEBUG off, the request log at INFO into a file,
   the audit anchor after every commit) and measures the CPU per request of each scenario:
   the pages load.py's staff open (dashboard, case list, case page), the case list's
   reference search, /health, a signal through the partner API and through the form, the
   same API request with FLAGDESK_AUDIT_ANCHOR_EVERY_COMMIT off (what the anchor costs per
   write), and the narrative matching of one case (registry and similar cases, as the
   worker's batch does it);
3. counts the queries of one request per scenario, and the Python function calls per
   request (cProfile's count over five requests), both outside the timed rounds: on a
   shared host whose speed moves between runs, these two do not.

The base tree is imported instead of this one (its directory first on ``sys.path``), with
this tree's virtualenv and this script's measuring code, so both sides are measured alike.
Results: docs/benchmarks.md. ``--profile`` prints cProfile's top functions of one scenario
in this tree instead (to find the hot spots).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
DEFAULT_BASE = "dcb0172"
HOST = "127.0.0.1"
SCENARIOS = (
    "dashboard",
    "case list",
    "case search",
    "case page",
    "health",
    "intake API",
    "intake API, no anchor",
    "intake form",
    "matching (per case)",
    "audit anchor (per commit)",
)


# --------------------------------------------------------------------------------------
# The child: one tree, one database.


def phase_measure(args: argparse.Namespace) -> None:
    import django

    django.setup()
    fixture = _build_database(args.signals)
    scenarios = _scenarios(fixture)
    if args.profile:
        _profile(scenarios[args.profile], args.reps * args.rounds)
        return
    chosen = args.only or list(scenarios)
    result = {
        name: _measure(scenarios[name], args.reps, args.rounds)
        | {"queries": _queries(run), "calls": _calls(run)}
        for name, run in scenarios.items()
        if name in chosen
    }
    args.out.write_text(json.dumps(result), encoding="utf-8")


def _build_database(n_signals: int) -> dict[str, Any]:
    from django.core.management import call_command

    from benchmarks import intake as intake_bench
    from benchmarks import mail as mail_bench
    from flagdesk.intake.models import Case
    from flagdesk.platforms.models import Platform

    call_command("migrate", verbosity=0)
    fixture = intake_bench._create_accounts()
    intake_bench._populate(n_signals, fixture["partner_id"])
    people = mail_bench.create_people()
    decided = mail_bench.prepare_decisions(10, people)
    references = list(
        Case.objects.filter(election__code=intake_bench.CASE_LIST_ELECTION)
        .order_by("pk")
        .values_list("reference", flat=True)[:: max(1, n_signals // 400)]
    )
    references += [d.case.reference for d in decided]
    fixture["references"] = references
    fixture["platform"] = Platform.objects.get(slug="x").pk
    return fixture


def _staff_client(fixture: dict[str, Any]) -> Any:
    import re

    from django.test import Client

    from benchmarks.intake import STAFF_PASSWORD, STAFF_USERNAME, totp

    client = Client(HTTP_HOST=HOST)
    for path, fields in (
        ("/login", {"username": STAFF_USERNAME, "password": STAFF_PASSWORD}),
        ("/account/2fa", {"token": totp(fixture["totp_key"])}),
    ):
        page = client.get(path).content.decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        fields["csrfmiddlewaretoken"] = found.group(1) if found else ""
        response = client.post(path, fields)
        assert response.status_code == 302, f"{path}: {response.status_code}"
    return client


def _scenarios(fixture: dict[str, Any]) -> dict[str, Callable[[int], None]]:
    """Each scenario makes its ``i``-th request and checks the answer."""
    from django.conf import settings
    from django.test import Client

    from benchmarks.intake import intake_body

    staff = _staff_client(fixture)
    anonymous = Client(HTTP_HOST=HOST)
    partner = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {fixture['partner_token']}")
    references = fixture["references"]
    form = _intake_form(fixture)
    serial = iter(range(10**9))

    def get(client: Any, path: str, status: int = 200) -> None:
        response = client.get(path)
        assert response.status_code == status, f"{path}: {response.status_code}"

    def api(i: int) -> None:
        url = f"https://x.com/pages/status/{next(serial)}"
        response = partner.post("/api/v1/signalen", intake_body(url), "application/json")
        assert response.status_code == 201, response.content[:300]

    def api_without_anchor(i: int) -> None:
        settings.AUDIT_ANCHOR_EVERY_COMMIT = False
        try:
            api(i)
        finally:
            settings.AUDIT_ANCHOR_EVERY_COMMIT = True

    def form_post(i: int) -> None:
        url = f"https://x.com/pagesform/status/{next(serial)}"
        response = staff.post("/signals/new", form | {"content_urls": url})
        assert response.status_code == 302, response.content[-2000:]

    return {
        "dashboard": lambda i: get(staff, "/"),
        "case list": lambda i: get(staff, "/cases?election=TK2025"),
        "case search": lambda i: get(staff, f"/cases?q={references[i % len(references)]}"),
        "case page": lambda i: get(staff, f"/cases/{references[i % len(references)]}"),
        "health": lambda i: get(anonymous, "/health"),
        "intake API": api,
        "intake API, no anchor": api_without_anchor,
        "intake form": form_post,
        "matching (per case)": _matcher(),
        "audit anchor (per commit)": _anchor,
    }


def _anchor(i: int) -> None:
    """What FLAGDESK_AUDIT_ANCHOR_EVERY_COMMIT adds to a commit: sign the newest event and
    append it to the checkpoint file (the default target), without fsync."""
    from flagdesk.audit import checkpoints

    checkpoints._Anchor(i, "0" * 64)()


def _intake_form(fixture: dict[str, Any]) -> dict[str, str]:
    from django.utils import timezone

    from flagdesk.elections import service as elections

    election = elections.current_election(timezone.localdate())
    assert election is not None
    return {
        "election": str(election.pk),
        "received_via": "phone",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "source_organisation": str(fixture["partner_id"]),
        "contact_name": "Redactie",
        "contact_email": "r@nos.example",
        "category": "misinformation",
        "platform": "x",
        "explanation": "Tells GroenLinks/PvdA voters to colour two boxes: an invalid vote.",
        "own_contact_attempts": "0",
        "good_faith": "on",
    }


def _matcher() -> Callable[[int], None]:
    """Match one case per call, as the worker's batch does (newest cases first: each one
    is matched once, as after a surge)."""
    from flagdesk.intake.models import Case
    from flagdesk.narratives import service as narratives

    narratives.case_index()  # the process's index is built once, not per case
    ids = list(Case.objects.order_by("-pk").values_list("pk", flat=True)[:5000])

    def match(i: int) -> None:
        narratives.match_case(Case.objects.get(pk=ids[i % len(ids)]))

    return match


def _measure(run: Callable[[int], None], reps: int, rounds: int) -> dict[str, Any]:
    import gc

    counter = iter(range(10**9))
    for _ in range(min(20, reps)):
        run(next(counter))
    per_round = []
    for _ in range(rounds):
        gc.collect()
        started = time.process_time()
        for _ in range(reps):
            run(next(counter))
        per_round.append((time.process_time() - started) * 1000 / reps)
    # The best round: another process on the same cores only ever adds to the CPU time
    # (cache misses, a shared core), so the least is the closest to the code's own cost.
    return {"cpu_ms": min(per_round), "cpu_ms_median": statistics.median(per_round)}


def _calls(run: Callable[[int], None], requests: int = 5) -> int:
    """Python function calls per request (cProfile's count): unlike CPU time on a shared
    machine, the same code on the same data gives the same count, so a change shows even
    when the host's speed moves between runs (it does not see C code or the database)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for i in range(requests):
        run(10**6 + i)
    profile.disable()
    return round(pstats.Stats(profile).total_calls / requests)  # type: ignore[attr-defined]


def _queries(run: Callable[[int], None]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run(10**6)
    return len(captured.captured_queries)


def _profile(run: Callable[[int], None], count: int) -> None:
    import cProfile
    import pstats

    for i in range(20):
        run(i)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(count):
        run(20 + i)
    profiler.disable()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run(20 + count)
    for query in captured.captured_queries:
        print("SQL", query["sql"][:200])
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(60)
    _print_by_module(stats, count)


def _print_by_module(stats: Any, count: int) -> None:
    """Own time per module (ms per call of the scenario): where the CPU goes, by area."""
    by_module: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():
        module = filename.split("site-packages/")[-1].split("python3.11/")[-1]
        module = "/".join(module.split("/")[:3])
        by_module[module] = by_module.get(module, 0.0) + row[2]
    print("own time by module, ms per request:")
    for module, seconds in sorted(by_module.items(), key=lambda kv: -kv[1])[:30]:
        print(f"{seconds * 1000 / count:8.2f}  {module}")


# --------------------------------------------------------------------------------------
# The parent: check out the base, run a child per tree and database, print the table.


def base_tree(revision: str) -> Path:
    """A checkout of ``revision`` in /tmp (made once; reused while it exists)."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", revision],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"flagdesk-pages-base-{commit}"
    if not (tree / "flagdesk").is_dir():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit],
            check=True,
            capture_output=True,
        )
    return tree


def collected_static(tree: Path, env: dict[str, str]) -> Path:
    """The tree's static files as production serves them (hashed names from a manifest):
    without them a page's ``{% static %}`` raises. Collected once per tree and run."""
    static = tree / "var" / f"bench-static-{os.getpid()}"
    if not (static / "staticfiles.json").exists():
        atexit.register(shutil.rmtree, static, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "flagdesk.cli", "collectstatic", "--no-input", "-v0"],
            cwd=tree,
            env={**env, "FLAGDESK_STATIC_ROOT": str(static)},
            check=True,
            capture_output=True,
        )
    return static


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG_ADMIN_URL}/postgres", "-q", "-c", sql], check=True, capture_output=True
    )


def run_child(tree: Path, db: str, label: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="flagdesk-pages-") as data_dir:
        env = dict(os.environ)
        env |= {
            "PYTHONPATH": str(tree),
            "DJANGO_SETTINGS_MODULE": "flagdesk.settings",
            "FLAGDESK_DATA_DIR": data_dir,
            # The partner rate limit would refuse the benchmark's own requests.
            "FLAGDESK_PARTNER_RATE": "1000000/min",
        }
        for name in ("FLAGDESK_DEBUG", "FLAGDESK_LOG_LEVEL", "FLAGDESK_LOG_FORMAT"):
            env.pop(name, None)
        env.pop("DATABASE_URL", None)
        env["FLAGDESK_STATIC_ROOT"] = str(collected_static(tree, env))
        if db == "postgres":
            name = f"flagdesk_bench_pages_{label}"
            psql(f"DROP DATABASE IF EXISTS {name}")
            psql(f"CREATE DATABASE {name}")
            env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{name}"
        out = Path(data_dir) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--phase",
            "measure",
            "--tree",
            str(tree),
            "--out",
            str(out),
            "--signals",
            str(args.signals),
            "--reps",
            str(args.reps),
            "--rounds",
            str(args.rounds),
        ]
        if args.profile:
            command += ["--profile", args.profile]
        for name in args.only or ():
            command += ["--only", name]
        log = Path(data_dir) / "child.log"
        with log.open("wb") as sink:
            # The request log's lines go to a file, as they would go to the journal.
            stdout = None if args.profile else sink
            done = subprocess.run(command, cwd=tree, env=env, stdout=stdout, stderr=sink)
        if done.returncode != 0:
            sys.stderr.write(log.read_text(errors="replace")[-5000:])
            raise SystemExit(f"{label} on {db}: child failed ({done.returncode})")
        if db == "postgres":
            psql(f"DROP DATABASE IF EXISTS flagdesk_bench_pages_{label}")
        return {} if args.profile else dict(json.loads(out.read_text(encoding="utf-8")))


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per scenario, the run with the least CPU (see _measure)."""
    return {name: min((run[name] for run in runs), key=lambda r: r["cpu_ms"]) for name in runs[0]}


def report(results: dict[str, dict[str, dict[str, Any]]], base: str) -> str:
    lines = [
        f"| DB | scenario | queries base / now | Python calls base / now | calls now / base "
        f"| CPU ms base ({base}) | CPU ms now | now / base |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for db, by_tree in results.items():
        for name in by_tree["now"]:
            before, after = by_tree["base"][name], by_tree["now"][name]
            calls = [tree.get("calls") for tree in (before, after)]  # older results: none
            ratio = f"{calls[1] / calls[0]:.2f}" if all(calls) else "–"
            lines.append(
                f"| {db} | {name} | {before['queries']} / {after['queries']} "
                f"| {calls[0] or '–'} / {calls[1] or '–'} | {ratio} "
                f"| {before['cpu_ms']:.2f} | {after['cpu_ms']:.2f} "
                f"| {after['cpu_ms'] / before['cpu_ms']:.2f} |"
            )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument(
        "--base", default=DEFAULT_BASE, help='commit to compare with ("none": this tree only)'
    )
    parser.add_argument("--signals", type=int, default=5000, help="signals in the database")
    parser.add_argument("--reps", type=int, default=50, help="requests per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per scenario (the best)")
    parser.add_argument(
        "--repeat", type=int, default=2, help="child processes per tree, alternating (the best)"
    )
    parser.add_argument(
        "--profile", choices=SCENARIOS, help="cProfile one scenario in this tree instead"
    )
    parser.add_argument(
        "--only", choices=SCENARIOS, action="append", help="measure only this scenario (repeat)"
    )
    parser.add_argument("--phase", choices=("measure",), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase == "measure":
        sys.path.insert(0, str(args.tree))
        phase_measure(args)
        return 0
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.profile:
        for db in databases:
            run_child(REPO, db, "now", args)
        return 0
    base = base_tree(args.base) if args.base != "none" else None
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for db in databases:
        runs: dict[str, list[dict[str, Any]]] = {"base": [], "now": []}
        for _ in range(args.repeat):
            # Alternately, so that a busy spell of the machine falls on both sides.
            if base:
                runs["base"].append(run_child(base, db, "base", args))
            runs["now"].append(run_child(REPO, db, "now", args))
        if not base:
            runs["base"] = runs["now"]
        results[db] = {tree: best_of(found) for tree, found in runs.items()}
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, nproc {os.cpu_count()}")
    print(report(results, args.base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
