# SPDX-License-Identifier: EUPL-1.2
"""Settings for the benchmark server only: the product settings plus a bare endpoint.

The bare endpoint is routed here rather than in flagdesk/urls.py, so it never ships.
"""

from __future__ import annotations

from flagdesk.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
