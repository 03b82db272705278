# SPDX-License-Identifier: EUPL-1.2
"""Signal intake throughput and case-list latency, measured through a real server.

Usage (from the repository root)::

    .venv/bin/python benchmarks/intake.py [--db sqlite|postgres|both] [--requests N]
                                          [--signals N]

Per database the script

1. creates a fresh database (SQLite in a temporary FLAGDESK_DATA_DIR; PostgreSQL as
   ``flagdesk_bench``, dropped and created with psql), migrates it, creates a partner with an
   API token and a staff member with an API token and a confirmed TOTP device;
2. fills it with ``--signals`` signals and their cases straight through the ORM
   (``bulk_create``, not the API: the point is a realistic table size, not the intake path);
3. starts gunicorn (``--workers``, default 2 sync workers: one per core of the 2-core
   machine the results in docs/benchmarks.md come from; on SQLite more writers only queue
   on the write lock) with ``benchmarks.bench_settings``, which adds the bare JSON endpoint
   ``bench/bare`` to the product URLs, on a free loopback port. The load generator runs on
   the same machine and competes for the same cores, for the bare endpoint as for intake;
4. runs the load: the bare endpoint, the intake floor (``bench/floor``: intake's rows through
   hand-written SQL, no framework — the lower bound), the intake API with a new URL per
   request, the intake API with half of the requests repeating an earlier URL (joining its
   case), the staff case list through the API and the HTML case list.

Speed goals (issue: intake >= 50 % of the bare endpoint, case list p95 <= 100 ms) live here,
never as timed asserts in the test suite. The result is printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import hmac
import http.client
import http.cookiejar
import itertools
import json
import math
import os
import platform
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# The test servers live outside the installed package, in the repository (tests_support).
sys.path.insert(0, str(REPO))

from tests_support import servers  # noqa: E402

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
# Another name (FLAGDESK_BENCH_DB) lets two people measure at once on one PostgreSQL server.
PG_BENCH_DB = os.environ.get("FLAGDESK_BENCH_DB", "flagdesk_bench")
CASE_LIST_ELECTION = "TK2025"
STAFF_USERNAME = "bench-staff"
STAFF_PASSWORD = "bench-password-not-secret-1"

# (method, path, body, headers) for request number i.
Request = tuple[str, str, bytes | None, dict[str, str]]


# --------------------------------------------------------------------------------------
# Setup phase: runs in a child process with the benchmark database configured.


def phase_setup(out: Path, n_signals: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fixture = _create_accounts()
    started = time.perf_counter()
    fixture["populated"] = _populate(n_signals, fixture["partner_id"])
    fixture["populate_seconds"] = round(time.perf_counter() - started, 1)
    fixture["search_samples"] = _search_samples()
    out.write_text(json.dumps(fixture), encoding="utf-8")


def _search_samples() -> dict[str, list[str]]:
    """References and X status ids of cases in the list's election, for the search."""
    from flagdesk.intake.models import Case, CaseUrl

    cases = Case.objects.filter(election__code=CASE_LIST_ELECTION).order_by("pk")
    x_urls = CaseUrl.objects.filter(
        election__code=CASE_LIST_ELECTION, normalised_url__startswith="https://x.com/i/status/"
    ).order_by("pk")
    return {
        "references": list(cases.values_list("reference", flat=True)[:2000:20]),
        "x_status_ids": [
            u.rsplit("/", 1)[1] for u in x_urls.values_list("normalised_url", flat=True)[:2000:20]
        ],
    }


def _create_accounts() -> dict[str, Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from flagdesk.accounts import service as accounts

    partner = accounts.create_partner("Benchmark Media", "media")
    _token, partner_token = accounts.issue_token(name="bench", organisation=partner)
    staff, _pw = accounts.create_staff_user(
        STAFF_USERNAME, ["assessor"], password=STAFF_PASSWORD, must_change_password=False
    )
    _token, staff_token = accounts.issue_token(name="bench-staff", user=staff)
    device = TOTPDevice.objects.create(user=staff, name="bench", confirmed=True)
    return {
        "partner_id": partner.pk,
        "partner_token": partner_token,
        "staff_token": staff_token,
        "totp_key": device.key,
    }


# Words for the signals' explanations: each is in about one explanation in ten, so a search
# for one word finds thousands of signals; RARE_WORD is in one in a thousand.
SEARCH_WORDS = [
    "stembureau",
    "stempas",
    "potlood",
    "kleuren",
    "vakjes",
    "ongeldig",
    "stembiljet",
    "kiezers",
    "volmacht",
    "briefstemmen",
    "sluitingstijd",
    "identiteitsbewijs",
    "rood",
    "wit",
    "blauw",
    "telling",
    "uitslag",
    "gemeente",
    "kiesraad",
    "fraude",
    "gehackt",
    "account",
    "advertentie",
    "nepnieuws",
    "video",
    "foto",
    "screenshot",
    "oproep",
    "stemlokaal",
    "rij",
    "wachttijd",
    "buitenland",
    "brief",
]
RARE_WORD = "stempasvervalsing"


def _explanation(rng: random.Random, j: int) -> str:
    words = " ".join(rng.sample(SEARCH_WORDS, 3))
    rare = f" {RARE_WORD}" if j % 1000 == 0 else ""
    return f"Bericht dat kiezers misleidt over hoe je stemt: {words}.{rare}"


def _content_url(slug: str, n: int) -> str:
    return {
        "x": f"https://x.com/someone/status/{n}",
        "meta": f"https://www.facebook.com/permalink.php?story_fbid={n}&id=100",
        "google": f"https://www.youtube.com/watch?v=bench{n:07d}",
        "tiktok": f"https://www.tiktok.com/@someone/video/{n}",
    }.get(slug, f"https://www.{slug}.com/p/{n}")


def open_attention_window() -> None:
    """Open today the attention window of the election partners' signals go to.

    Partners file only under an election whose window is open (flagdesk/intake/api.py); the
    benchmarks run on any day, as if it were in the run-up to that election.
    """
    from django.utils import timezone

    from flagdesk.elections import service as elections

    today = timezone.localdate()
    election = elections.current_election(today)
    assert election is not None, "the migrations seed the elections"
    election.attention_start = min(election.attention_start, today)
    election.attention_end = max(election.attention_end, today)
    election.save(update_fields=["attention_start", "attention_end"])


def _populate(n_signals: int, partner_id: int) -> dict[str, int]:
    """Bulk-create ``n_signals`` signals on ~0.7 as many cases, spread like real use."""
    import datetime as dt

    open_attention_window()

    from flagdesk.elections.models import Election
    from flagdesk.intake.models import (
        Case,
        CaseCounter,
        CaseState,
        CaseUrl,
        Category,
        IntakeOutcome,
        ReceivedVia,
        SearchText,
        Signal,
        SignalUrl,
    )
    from flagdesk.intake.service import url_hash
    from flagdesk.platforms.models import Platform
    from flagdesk.rules.urls import normalise_url

    rng = random.Random(42)
    elections = list(Election.objects.all())
    # Half of all cases in the list's election; the rest spread evenly over the others.
    weights = [len(elections) - 1 if e.code == CASE_LIST_ELECTION else 1 for e in elections]
    platforms = list(Platform.objects.all())
    states = (
        [CaseState.NEW] * 5
        + [CaseState.ASSESSING] * 2
        + [
            CaseState.AWAITING_APPROVAL,
            CaseState.DECIDED,
            CaseState.DECIDED,
        ]
    )
    categories = list(Category.values)
    # The cases carry their own timestamps; auto_now_add would stamp them all "now".
    created_field = Case._meta.get_field("created_at")
    created_field.auto_now_add = False  # type: ignore[attr-defined]

    n_cases = max(1, int(n_signals * 0.7))
    counters: Counter[int] = Counter()
    cases: list[Case] = []
    for _i in range(n_cases):
        election = rng.choices(elections, weights)[0]
        year = election.election_day.year
        counters[year] += 1
        minutes = rng.randint(0, 8 * 7 * 24 * 60)
        created = dt.datetime.combine(election.attention_start, dt.time(8), tzinfo=dt.UTC)
        cases.append(
            Case(
                reference=f"FD-{year}-{counters[year]:04d}",
                election=election,
                platform=rng.choice(platforms),
                category=rng.choice(categories),
                state=rng.choice(states),
                created_at=created + dt.timedelta(minutes=minutes),
                # Its first signal below is received at its creation.
                clock_since=created + dt.timedelta(minutes=minutes),
            )
        )
    try:
        Case.objects.bulk_create(cases, batch_size=2000)
    finally:
        created_field.auto_now_add = True  # type: ignore[attr-defined]
    CaseCounter.objects.bulk_create(CaseCounter(year=y, last=n) for y, n in counters.items())

    case_urls = []
    for n, case in enumerate(cases):
        raw = _content_url(case.platform.slug, 10_000_000 + n)
        norm = normalise_url(raw)
        case_urls.append(
            CaseUrl(
                case=case,
                election=case.election,
                url=raw,
                normalised_url=norm,
                url_hash=url_hash(norm),
            )
        )
    CaseUrl.objects.bulk_create(case_urls, batch_size=2000)

    signals = []
    for j in range(n_signals):
        case = cases[j % n_cases]
        signals.append(
            Signal(
                election=case.election,
                case=case,
                received_at=case.created_at + dt.timedelta(minutes=j // n_cases),
                received_via=ReceivedVia.API,
                source_organisation_id=partner_id,
                source_organisation_name="Benchmark Media",
                source_type="media",
                contact_name="Bench",
                category=case.category,
                platform=case.platform,
                platform_name=case.platform.slug,
                explanation=_explanation(rng, j),
                intake_outcome=IntakeOutcome.NEW_CASE if j < n_cases else IntakeOutcome.JOINED_CASE,
            )
        )
    Signal.objects.bulk_create(signals, batch_size=2000)
    # What intake.service.index_search_text writes per signal (the search's full-text rows).
    SearchText.objects.bulk_create(
        (
            SearchText(
                case_id=s.case_id,
                source=f"signal:{s.pk}",
                body=f"{s.source_organisation_name}\n{s.platform_name}\n{s.explanation}",
            )
            for s in signals
        ),
        batch_size=2000,
    )
    SignalUrl.objects.bulk_create(
        (
            SignalUrl(
                signal=s,
                url=case_urls[j % n_cases].url,
                normalised_url=case_urls[j % n_cases].normalised_url,
            )
            for j, s in enumerate(signals)
        ),
        batch_size=2000,
    )
    # Fresh planner statistics, as autovacuum (PostgreSQL) or a maintenance job (SQLite)
    # would have them on a database that grew to this size over weeks.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    in_list = sum(1 for c in cases if c.election.code == CASE_LIST_ELECTION)
    return {"signals": n_signals, "cases": n_cases, "cases_in_list_election": in_list}


# --------------------------------------------------------------------------------------
# Server and database management.


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def database_env(db: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "FLAGDESK_DATA_DIR": str(data_dir),
            "FLAGDESK_SECRET_KEY": "benchmark-only-" + "x" * 40,
            # High enough never to refuse, while the limiter still runs: one counter row per
            # token and window in the database (accounts/ratelimit.py), as in production.
            "FLAGDESK_PARTNER_RATE": "100000000/min",
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
    )
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_BENCH_DB}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> Iterator[None]:
    args = ["flagdesk.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    with servers.gunicorn([*args, "--worker-class", "sync", "--timeout", "120"], env, log, port):
        yield


# --------------------------------------------------------------------------------------
# Load generator: a thread pool, one connection per thread (reopened when the sync worker
# closes it after each response), bounded in requests and in time.


@dataclasses.dataclass
class Result:
    database: str
    scenario: str
    sent: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = dataclasses.field(default_factory=list)
    statuses: Counter[int] = dataclasses.field(default_factory=Counter)
    outcomes: Counter[str] = dataclasses.field(default_factory=Counter)
    note: str = ""
    # The 1-minute load average when the scenario started: other work on the machine shows.
    load_before: float = math.nan

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)] * 1000


def run_load(
    result: Result,
    port: int,
    make: Callable[[int], Request],
    count: int,
    concurrency: int,
    cap_seconds: float,
) -> Result:
    numbers = itertools.count()
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + cap_seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            i = next(numbers)
            if i >= count or time.perf_counter() > deadline:
                break
            method, path, body, headers = make(i)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                status, payload = 0, b""
            elapsed = time.perf_counter() - t0
            outcome = _outcome(payload) if 200 <= status < 300 else ""
            with lock:
                result.sent += 1
                result.statuses[status] += 1
                if 200 <= status < 300:
                    result.latencies.append(elapsed)
                    if outcome:
                        result.outcomes[outcome] += 1
                else:
                    result.errors += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def _outcome(payload: bytes) -> str:
    if not payload.startswith(b"{"):
        return ""
    try:
        body = json.loads(payload)
    except ValueError:
        return ""
    value = body.get("outcome") or body.get("intake_outcome") or ""
    return str(value)


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 with django-otp's defaults (SHA-1, 30 s step, 6 digits)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def login_session(port: int, totp_key: str) -> str | None:
    """Log in through the real forms (password, then TOTP); returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"

    def post_form(path: str, fields: dict[str, str]) -> str:
        page = opener.open(base + path, timeout=30).read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": match.group(1), **fields})
        with opener.open(base + path, data=data.encode(), timeout=30) as response:
            return str(response.geturl())

    post_form("/login", {"username": STAFF_USERNAME, "password": STAFF_PASSWORD})
    landed = post_form("/account/2fa", {"token": totp(totp_key)})
    if "/account/" in urllib.parse.urlsplit(landed).path:
        return None
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# --------------------------------------------------------------------------------------
# Scenarios.


def intake_body(url: str) -> bytes:
    return json.dumps(
        {
            "category": "misinformation",
            "platform": "x",
            "content_urls": [url],
            "explanation": "Post tells voters to colour two boxes, which makes the vote invalid.",
            "contact_name": "Benchmark Redactie",
        }
    ).encode()


def x_url(series: int, i: int) -> str:
    return f"https://x.com/bench/status/{series * 1_000_000_000 + i}"


def route_exists(port: int, method: str, path: str, headers: dict[str, str]) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = b"{}" if method == "POST" else None
    conn.request(method, path, body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status != 404


@dataclasses.dataclass
class Options:
    requests: int
    list_requests: int
    concurrency: int
    list_concurrency: int
    cap_seconds: float
    warmup: int
    lists_only: bool = False


def run_scenarios(db: str, port: int, fixture: dict[str, Any], opts: Options) -> list[Result]:
    partner = {
        "Authorization": f"Bearer {fixture['partner_token']}",
        "Content-Type": "application/json",
    }
    results: list[Result] = []

    def load(scenario: str, make: Callable[[int], Request], count: int, conc: int) -> Result:
        # Warm-up indexes lie far beyond the measured ones: their URLs are never reused.
        def warm(i: int) -> Request:
            return make(10_000_000 + i)

        # Reads warm up with a few requests: they are slow enough that a few fill the caches.
        warmups = opts.warmup if make.__name__ in {"bare", "floor", "unique", "mixed"} else 5
        run_load(Result(db, "warm-up"), port, warm, warmups, conc, opts.cap_seconds)
        result = Result(db, scenario, load_before=os.getloadavg()[0])
        run_load(result, port, make, count, conc, opts.cap_seconds)
        results.append(result)
        return result

    def bare(i: int) -> Request:
        return "POST", "/bench/bare", intake_body(x_url(1, i)), partner

    floor_series = 90

    def floor(i: int) -> Request:
        return "POST", "/bench/floor", intake_body(x_url(floor_series, i)), partner

    if not opts.lists_only:
        load("bare Django JSON endpoint", bare, opts.requests, opts.concurrency)
        # The lower bound: intake's rows through hand-written SQL, no framework (bench_floor.py).
        load("intake floor: same rows, raw SQL, no DRF/ORM", floor, opts.requests, opts.concurrency)

    if opts.lists_only:
        pass
    elif route_exists(port, "POST", "/api/v1/signalen", partner):
        _intake_scenarios(load, partner, opts)
    else:
        results.append(Result(db, "intake API", note="not measured: /api/v1/signalen missing"))

    _case_list_scenarios(db, port, fixture, opts, load, results)
    return results


def _intake_scenarios(load: Callable[..., Result], partner: dict[str, str], opts: Options) -> None:
    # Warm-up requests of every scenario use series of their own, so "unique" stays unique.
    series = itertools.count(2)
    unique_series = next(series)

    def unique(i: int) -> Request:
        return "POST", "/api/v1/signalen", intake_body(x_url(unique_series, i)), partner

    first = load("intake API, every URL new (new case)", unique, opts.requests, opts.concurrency)
    earlier = max(1, len(first.latencies))
    mix_series = next(series) + 10

    def mixed(i: int) -> Request:
        # Every other request repeats a URL from the run before, so it joins that case.
        url = x_url(unique_series, (i * 7919) % earlier) if i % 2 else x_url(mix_series, i)
        return "POST", "/api/v1/signalen", intake_body(url), partner

    load("intake API, 50 % repeat URLs (join case)", mixed, opts.requests, opts.concurrency)


def _case_list_scenarios(
    db: str,
    port: int,
    fixture: dict[str, Any],
    opts: Options,
    load: Callable[..., Result],
    results: list[Result],
) -> None:
    staff = {"Authorization": f"Bearer {fixture['staff_token']}", "Accept": "application/json"}
    api_path = f"/api/v1/zaken?election={CASE_LIST_ELECTION}"
    if route_exists(port, "GET", api_path, staff):
        pages = _page_count(port, api_path, staff)
        rng = random.Random(7)
        chosen = [1 if i % 4 == 0 else rng.randint(1, pages) for i in range(opts.list_requests)]

        def api_list(i: int) -> Request:
            return "GET", f"{api_path}&page={chosen[i % len(chosen)]}", None, staff

        result = load(
            "case list API (staff, random page)",
            api_list,
            opts.list_requests,
            opts.list_concurrency,
        )
        result.note = f"{pages} pages of 50; a quarter page 1, the rest random"
    else:
        results.append(Result(db, "case list API", note="not measured: /api/v1/zaken missing"))

    cookie = login_session(port, fixture["totp_key"])
    html_path = f"/cases?election={CASE_LIST_ELECTION}"
    html_headers = {"Cookie": cookie or ""}
    if cookie and route_exists(port, "GET", html_path, html_headers):

        def html_list(i: int) -> Request:
            return "GET", html_path, None, html_headers

        result = load(
            "case list HTML /cases (first page)",
            html_list,
            opts.list_requests,
            opts.list_concurrency,
        )
        result.note = "session login with password + TOTP"
        _search_scenarios(fixture, opts, load, html_headers)
    else:
        why = "login failed" if not cookie else "/cases missing"
        results.append(Result(db, "case list HTML", note=f"not measured: {why}"))


def _search_scenarios(
    fixture: dict[str, Any],
    opts: Options,
    load: Callable[..., Result],
    headers: dict[str, str],
) -> None:
    """The case list's search (intake/search.py) in the list's election, four kinds of text."""
    searches = {
        "reference": [ref.lower() for ref in fixture["search_samples"]["references"]],
        # Mobile host, another handle, tracking parameters: normalised as at intake.
        "URL in another form": [
            f"https://mobile.twitter.com/Other/status/{n}?s=20&utm_source=bench"
            for n in fixture["search_samples"]["x_status_ids"]
        ],
        "one word (~1 in 10 signals)": SEARCH_WORDS,
        "two words + rare word": [f"{w} kiezers" for w in SEARCH_WORDS] + [RARE_WORD],
    }
    for kind, texts in searches.items():

        def search(i: int, texts: list[str] = texts) -> Request:
            query = urllib.parse.urlencode(
                {"election": CASE_LIST_ELECTION, "q": texts[i % len(texts)]}
            )
            return "GET", f"/cases?{query}", None, headers

        result = load(
            f"case list search: {kind}", search, opts.list_requests, opts.list_concurrency
        )
        result.note = f"{len(texts)} different texts in turn"


def _page_count(port: int, path: str, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers)
    body = json.loads(conn.getresponse().read())
    conn.close()
    count = int(body.get("count", 0)) if isinstance(body, dict) else 0
    size = len(body.get("results", [])) if isinstance(body, dict) else 0
    return max(1, math.ceil(count / size)) if size else 1


# --------------------------------------------------------------------------------------
# One database, end to end.


def run_database(
    db: str, n_signals: int, workers: int, opts: Options
) -> tuple[list[Result], dict[str, Any]]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"flagdesk-bench-{db}-"))
    try:
        env = database_env(db, data_dir)
        if db == "postgres":
            psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            psql(f"CREATE DATABASE {PG_BENCH_DB}")
        fixture_path = data_dir / "fixture.json"
        print(f"[{db}] migrating and populating {n_signals} signals ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--phase",
                "setup",
                "--signals",
                str(n_signals),
                "--fixture",
                str(fixture_path),
            ],
            env=env,
            check=True,
            cwd=REPO,
        )
        fixture = json.loads(fixture_path.read_text(encoding="utf-8"))
        print(
            f"[{db}] populated {fixture['populated']} in {fixture['populate_seconds']} s",
            flush=True,
        )
        port = servers.free_port()
        with gunicorn(env, port, workers, data_dir / "gunicorn.log"):
            print(f"[{db}] gunicorn on 127.0.0.1:{port}, running load ...", flush=True)
            results = run_scenarios(db, port, fixture, opts)
        return results, fixture
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# --------------------------------------------------------------------------------------
# Report.


def machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores",
        f"- Memory: {mem}",
        f"- Python {platform.python_version()}, {platform.system()} {platform.release()}",
    ]


def fmt(value: float, digits: int = 1) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def report(results: list[Result], fixtures: dict[str, dict[str, Any]], opts: Options) -> str:
    lines = [
        "| Database | Scenario | OK | Errors | req/s | p50 ms | p95 ms | p99 ms | Load | Notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        if not r.sent:
            lines.append(f"| {r.database} | {r.scenario} | – | – | – | – | – | – | – | {r.note} |")
            continue
        notes = [r.note] if r.note else []
        if r.outcomes:
            notes.append(", ".join(f"{k}: {v}" for k, v in sorted(r.outcomes.items())))
        bad = {s: n for s, n in r.statuses.items() if not 200 <= s < 300}
        if bad:
            notes.append("errors by status: " + ", ".join(f"{s}: {n}" for s, n in bad.items()))
        lines.append(
            f"| {r.database} | {r.scenario} | {len(r.latencies)} | {r.errors} | {fmt(r.rate)} "
            f"| {fmt(r.pct(50))} | {fmt(r.pct(95))} | {fmt(r.pct(99))} | {fmt(r.load_before, 2)} "
            f"| {'; '.join(notes)} |"
        )
    lines += ["", *goals(results)]
    for db, fixture in fixtures.items():
        pop = fixture["populated"]
        lines.append(
            f"- {db}: populated {pop['signals']} signals on {pop['cases']} cases "
            f"({pop['cases_in_list_election']} in {CASE_LIST_ELECTION}) "
            f"in {fixture['populate_seconds']} s"
        )
    return "\n".join(lines)


def goals(results: list[Result]) -> list[str]:
    out = []
    for db in dict.fromkeys(r.database for r in results):
        mine = {r.scenario: r for r in results if r.database == db}
        bare = mine.get("bare Django JSON endpoint")
        for name, r in mine.items():
            if name.startswith("intake API,") and bare and bare.rate and r.latencies:
                ratio = r.rate / bare.rate
                verdict = "met" if ratio >= 0.5 else "MISSED"
                out.append(
                    f"- {db}, {name}: {ratio:.0%} of the bare endpoint (goal ≥ 50 %: {verdict})"
                )
            if name.startswith("intake floor") and bare and bare.rate and r.latencies:
                out.append(
                    f"- {db}, {name}: {r.rate / bare.rate:.0%} of the bare endpoint (the "
                    "lower bound for intake: no tuning of the product's code can pass it)"
                )
            if name.startswith("case list") and r.latencies:
                verdict = "met" if r.pct(95) <= 100 else "MISSED"
                out.append(f"- {db}, {name}: p95 {r.pct(95):.1f} ms (goal ≤ 100 ms: {verdict})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--requests",
        type=int,
        default=2000,
        help="requests per intake/bare scenario (default 2000)",
    )
    parser.add_argument(
        "--signals",
        type=int,
        default=100_000,
        help="signals to populate before measuring (default 100000)",
    )
    parser.add_argument("--list-requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--list-concurrency", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--cap-seconds", type=float, default=60.0, help="time limit per scenario (default 60)"
    )
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument(
        "--lists-only",
        action="store_true",
        help="measure only the case lists and the search (not the intake scenarios)",
    )
    parser.add_argument("--phase", choices=["setup"], help=argparse.SUPPRESS)
    parser.add_argument("--fixture", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase == "setup":
        phase_setup(args.fixture, args.signals)
        return 0

    opts = Options(
        args.requests,
        args.list_requests,
        args.concurrency,
        args.list_concurrency,
        args.cap_seconds,
        args.warmup,
        args.lists_only,
    )
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: list[Result] = []
    fixtures: dict[str, dict[str, Any]] = {}
    for db in databases:
        db_results, fixtures[db] = run_database(db, args.signals, args.workers, opts)
        results += db_results
    print()
    print("Machine:\n" + "\n".join(machine()))
    print(f"\nCommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"gunicorn {args.workers} sync workers; load: {args.concurrency} concurrent "
        f"keep-alive clients for intake/bare, {args.list_concurrency} for the case lists\n"
    )
    print(report(results, fixtures, opts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
