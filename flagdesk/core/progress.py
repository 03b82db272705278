# SPDX-License-Identifier: EUPL-1.2
"""A progress bar for long commands, on stderr: redrawn in place on a terminal, one line per
stage otherwise (logs, pipes), so output that is kept stays readable."""

from __future__ import annotations

import time
from typing import Any


class ProgressBar:
    def __init__(self, stream: Any, width: int = 30) -> None:
        # A text stream: write(), flush(), isatty().
        self._stream = stream
        self._width = width
        self._tty = stream.isatty()
        self._stage = ""
        self._started = time.monotonic()
        self._drawn = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self._end_stage()
            self._stage, self._started = stage, time.monotonic()
        if done >= total:
            self._end_stage(done)
            return
        now = time.monotonic()
        if self._tty and now - self._drawn > 0.1:
            self._drawn = now
            self._stream.write("\r" + self._line(done, total))
            self._stream.flush()

    def _line(self, done: int, total: int) -> str:
        filled = self._width * done // max(total, 1)
        bar = "#" * filled + "-" * (self._width - filled)
        return f"{self._stage:<10} [{bar}] {done}/{total}"

    def _end_stage(self, done: int | None = None) -> None:
        if not self._stage:
            return
        if done is not None:
            seconds = time.monotonic() - self._started
            line = self._line(done, done)
            self._stream.write(("\r" if self._tty else "") + f"{line} {seconds:.1f} s\n")
            self._stream.flush()
            self._stage = ""
        elif self._tty:
            self._stream.write("\n")
