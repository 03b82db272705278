# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from flagdesk.assessments.eligibility_io import InputError, parse_request
from flagdesk.platforms import service as platforms
from flagdesk.rules.eligibility import evaluate

MAX_INPUT_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Apply the eligibility rules to one JSON object (from FILE or standard input) and "
        "print the result as JSON. Exit 2 on invalid input."
    )
    # A filter in a pipeline: system-check warnings on stderr would break the one-line error
    # contract, and the rules need no URL configuration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            default="-",
            help="JSON file with signal, assessment and history; - for stdin.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = self._read(options["file"])
            data = json.loads(raw)
            signal, assessment, history = parse_request(data, platforms.facts_for)
        except (ValueError, OSError, RecursionError) as exc:
            # ValueError covers InputError, JSON and UTF-8 errors, and also numbers longer than
            # Python's int limit; RecursionError is very deeply nested arrays. Both are input.
            message = str(exc).replace("\n", " ")
            sys.stderr.write(f"flagdesk eligibility: invalid input: {message}\n")
            sys.exit(2)
        result = evaluate(signal, assessment, history)
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))

    def _read(self, name: str) -> str:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError("input is larger than 1 MB")
        return data.decode("utf-8")
