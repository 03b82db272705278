# SPDX-License-Identifier: EUPL-1.2
"""The JSON nesting-depth scan and the API's limited JSON parser."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework.exceptions import ParseError

from flagdesk.core.jsonlimits import TooDeep, check_depth, nesting_depth
from flagdesk.core.parsers import LimitedJSONParser, PayloadTooLarge


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "{{{{"]', 1),  # brackets inside strings do not count
        (r'["\"[[[[", "\\", []]', 2),  # nor after an escaped quote; an escaped backslash ends
        ("[[[]]][[]]", 3),
    ],
)
def test_it_measures_the_nesting(text: str, depth: int) -> None:
    assert nesting_depth(text.encode(), 10) == depth


def test_it_stops_at_the_limit_without_recursion() -> None:
    deep = b"[" * 1_000_000 + b"]" * 1_000_000
    with pytest.raises(TooDeep, match="more than 64 deep"):
        check_depth(deep, 64)
    check_depth(b"[" * 64 + b"]" * 64, 64)
    check_depth(b'["' + b"[" * 1000 + b'"]', 64)  # many brackets, all in a string


def _parse(body: bytes, settings: Any) -> Any:
    return LimitedJSONParser().parse(io.BytesIO(body), "application/json", {})


def test_the_parser_refuses_too_deep_and_too_large(settings: Any) -> None:
    settings.JSON_MAX_DEPTH = 3
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert _parse(b'{"a": [[1]]}', settings) == {"a": [[1]]}
    with pytest.raises(ParseError, match="deep"):
        _parse(b'{"a": [[[1]]]}', settings)
    with pytest.raises(PayloadTooLarge):
        _parse(b'"' + b"x" * 100 + b'"', settings)
    with pytest.raises(ParseError):
        _parse(b"[NaN]", settings)  # DRF's strict JSON still applies
