# SPDX-License-Identifier: EUPL-1.2
"""The product URLs plus ``bench/bare``: the yardstick that intake throughput is compared to."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from benchmarks.bench_floor import floor


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> HttpResponse:
    """Parse the same JSON body as the intake API and answer; no auth, no database."""
    try:
        body = json.loads(request.body)
    except ValueError:
        return JsonResponse({"detail": "invalid JSON"}, status=400)
    urls = body.get("content_urls", []) if isinstance(body, dict) else []
    return JsonResponse({"received": len(urls), "category": body.get("category")}, status=201)


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare", bare, name="bench-bare"),
    path("bench/floor", floor, name="bench-floor"),
    path("", include("flagdesk.urls")),
]
