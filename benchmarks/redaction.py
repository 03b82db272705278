# SPDX-License-Identifier: EUPL-1.2
"""Redaction benchmark (issue 4): CLI cold start, engine load, warm throughput, recall/keep.

    .venv/bin/python benchmarks/redaction.py [--runs 5] [--megabytes 5]

Prints a Markdown table. Goals: ``flagdesk redact`` answers a one-page e-mail in ≤ 2 s from a
cold start; the warm engine redacts ≥ 1 MB/s; recall ≥ 0.99 and keep ≥ 0.98.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests_support.redaction_metrics import evaluate, load_corpus, ministry_profile  # noqa: E402

FLAGDESK = ROOT / ".venv" / "bin" / "flagdesk"
PYTHON = ROOT / ".venv" / "bin" / "python"
EMAIL = ROOT / "redaction-corpus" / "seed_appendix.txt"


def cold_cli(runs: int, data_dir: str) -> list[float]:
    times = []
    env = {**os.environ, "FLAGDESK_DATA_DIR": data_dir}
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [str(FLAGDESK), "redact", str(EMAIL)], check=True, capture_output=True, env=env
        )
        times.append(time.perf_counter() - start)
    return times


def cold_engine_load(runs: int) -> list[float]:
    """Import plus word lists, each in a fresh interpreter (no Django)."""
    code = (
        "import time; t = time.perf_counter(); "
        "from flagdesk.redaction.engine import engine; engine(); "
        "print(time.perf_counter() - t)"
    )
    return [
        float(
            subprocess.run(
                [str(PYTHON), "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
            ).stdout
        )
        for _ in range(runs)
    ]


def warm_throughput(megabytes: float) -> tuple[float, float, int, int]:
    from flagdesk.redaction.engine import detect, engine

    engine()
    profile = ministry_profile()
    texts = [d.text for d in load_corpus()]
    size = sum(len(t.encode("utf-8")) for t in texts)
    rounds = max(1, int(megabytes * 1024 * 1024 / size) + 1)
    detect(texts[0], profile=profile)  # warm the compiled patterns
    start, cpu_start = time.perf_counter(), time.process_time()
    findings = 0
    for _ in range(rounds):
        for text in texts:
            findings += len(detect(text, profile=profile))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    megabytes_done = size * rounds / 1024 / 1024
    # CPU time too: on a shared machine the wall clock counts other processes' turns.
    return megabytes_done / elapsed, megabytes_done / cpu, size * rounds, findings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--megabytes", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        cli = cold_cli(args.runs, data_dir)
    load = cold_engine_load(args.runs)
    rate, cpu_rate, volume, findings = warm_throughput(args.megabytes)
    scores = evaluate(load_corpus(), ministry_profile())
    email_bytes = EMAIL.stat().st_size

    print("| Measure | Result | Goal |")
    print("| --- | ---: | --- |")
    print(
        f"| `flagdesk redact` cold, one-page e-mail ({email_bytes:,} B), median of {args.runs} "
        f"fresh processes | {statistics.median(cli):.2f} s (min {min(cli):.2f}, max {max(cli):.2f}) | ≤ 2 s |"
    )
    print(
        f"| engine load in a fresh interpreter (import + word lists), median | {statistics.median(load):.3f} s | — |"
    )
    print(
        f"| warm throughput, corpus repeated to {volume / 1024 / 1024:.1f} MB, one `detect` per document | {rate:.2f} MB/s | ≥ 1 MB/s |"
    )
    print(f"| the same, per second of the process's CPU time | {cpu_rate:.2f} MB/s | — |")
    for split in ("dev", "test", "unseen", "all"):
        score = scores[split]
        print(
            f"| recall / keep, {split} split | {score.recall:.4f} ({score.personal_removed}/{score.personal_total})"
            f" / {score.keep:.4f} ({score.keep_intact}/{score.keep_total}) | ≥ 0.99 / ≥ 0.98 |"
        )
    print(f"\n{len(load_corpus())} documents; {findings:,} findings in the throughput run.")


if __name__ == "__main__":
    main()
