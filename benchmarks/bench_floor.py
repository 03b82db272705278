# SPDX-License-Identifier: EUPL-1.2
"""``bench/floor``: the intake's work with the framework taken away — a lower bound.

It writes the same rows as ``POST /api/v1/signalen`` for a partner's new-case signal (the
case counter, case, case URL, signal, signal URL, two chained audit events, the case's
"matching wanted" marker and, when none waits, the matching batch task row) in one transaction, after the same reads (token, platform, URLs already held),
but through hand-written SQL on a raw cursor: no DRF, no ORM query building, no serializer,
no permission layer. It skips what the product must not skip (the citizen gate, joining a
case, validation beyond the keys it needs), so it is *not* a way to take signals in; it
answers "how fast could intake be in this process, on this database, at best?".

Benchmark only: routed in ``bench_urls`` and never part of the product URLs.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from flagdesk.elections.service import current_election
from flagdesk.rules.urls import normalise_url

TOKEN_SQL = (
    "SELECT t.id, t.user_id, u.username, o.id, o.name, o.source_type FROM accounts_apitoken t"
    " JOIN accounts_user u ON u.id = t.user_id"
    " JOIN accounts_partnerorganisation o ON o.id = t.organisation_id"
    " WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.is_active AND o.active"
)
PLATFORM_SQL = "SELECT id, slug, channel_active FROM platforms_platform WHERE slug = %s"
HELD_SQL = "SELECT case_id FROM intake_caseurl WHERE election_id = %s AND url_hash = %s"
COUNTER_SQL = "UPDATE intake_casecounter SET last = last + 1 WHERE year = %s RETURNING last"
CASE_SQL = (
    "INSERT INTO intake_case (reference, category, state, created_at, updated_at,"
    " clock_since, election_id, platform_id) VALUES (%s, %s, 'new', %s, %s, %s, %s, %s)"
    " RETURNING id"
)
CASE_URL_SQL = (
    "INSERT INTO intake_caseurl (normalised_url, url_hash, url, case_id, election_id)"
    " VALUES (%s, %s, %s, %s, %s)"
)
SIGNAL_SQL = (
    "INSERT INTO intake_signal (received_at, received_via, source_organisation_name,"
    " source_type, contact_name, contact_email, contact_phone, category, platform_name,"
    " explanation, own_contact_attempts, own_contact_last_at, own_contact_result, good_faith,"
    " intake_outcome, intake_reasons, created_at, case_id, election_id, platform_id,"
    " recorded_by_id, source_organisation_id) VALUES (%s, 'api', %s, %s, %s, %s, %s, %s, %s,"
    " %s, 0, NULL, '', %s, 'new_case', '[]', %s, %s, %s, %s, %s, %s) RETURNING id"
)
SIGNAL_URL_SQL = "INSERT INTO intake_signalurl (url, normalised_url, signal_id) VALUES (%s, %s, %s)"
HEAD_SQL = "SELECT seq, hash FROM audit_chainhead WHERE id = 1"
EVENT_SQL = (
    "INSERT INTO audit_auditevent (seq, at, actor_label, action, object_type, object_id,"
    " before, after, prev_hash, hash, actor_id, actor_ref, hash_version) VALUES (%s, %s, %s,"
    " %s, %s, %s, NULL, %s, %s, %s, %s, %s, 2)"
)
MOVE_HEAD_SQL = "UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1"
WANTED_SQL = (
    "INSERT INTO narratives_matchingwanted (case_id, wanted_at, generation, claimed_by)"
    " VALUES (%s, %s, 0, '') ON CONFLICT DO NOTHING"
)
WANTED_AGAIN_SQL = (
    "UPDATE narratives_matchingwanted SET generation = generation + 1 WHERE case_id = %s"
)
BATCH_WAITING_SQL = (
    "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'READY' AND task_path = %s"
    " LIMIT 1"
)
BATCH_TASK = "flagdesk.narratives.tasks.match_wanted_cases"
TASK_SQL = (
    "INSERT INTO django_tasks_database_dbtaskresult (id, args_kwargs, priority, task_path,"
    " queue_name, backend_name, run_after, enqueued_at, exception_class_path, traceback,"
    " worker_ids, status) VALUES (%s, %s, 0, %s, 'default', 'default', %s, %s, '', '', '[]',"
    " 'READY')"
)


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    body = json.loads(request.body)
    urls = [(raw, normalise_url(raw)) for raw in body["content_urls"]]
    election = current_election()
    assert election is not None
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [hashlib.sha256(header[7:].encode()).hexdigest()])
        who = cursor.fetchone()
        if who is None:
            return JsonResponse({"detail": "unknown token"}, status=401)
        cursor.execute(PLATFORM_SQL, [body["platform"]])
        platform_id, slug, _active = cursor.fetchone()
        hashes = [hashlib.sha256(norm.encode()).hexdigest() for _raw, norm in urls]
        cursor.execute(HELD_SQL, [election.pk, hashes[0]])
        if cursor.fetchone() is not None:
            return JsonResponse({"detail": "floor handles new cases only"}, status=409)
        with transaction.atomic():
            answer = _write(cursor, body, urls, hashes, election, platform_id, slug, who)
    return JsonResponse(answer, status=201)


def _write(
    cursor: Any,
    body: dict[str, Any],
    urls: list[tuple[str, str]],
    hashes: list[str],
    election: Any,
    platform_id: int,
    slug: str,
    who: tuple[Any, ...],
) -> dict[str, Any]:
    _token_id, user_id, username, org_id, org_name, source_type = who
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    year = election.election_day.year
    cursor.execute(COUNTER_SQL, [year])
    reference = f"FD-{year}-{cursor.fetchone()[0]:04d}"
    cursor.execute(
        CASE_SQL, [reference, body["category"], stamp, stamp, stamp, election.pk, platform_id]
    )
    case_id = cursor.fetchone()[0]
    for (raw, norm), digest in zip(urls, hashes, strict=True):
        cursor.execute(CASE_URL_SQL, [norm, digest, raw, case_id, election.pk])
    cursor.execute(
        SIGNAL_SQL,
        [
            stamp,
            org_name,
            source_type,
            body.get("contact_name", ""),
            body.get("contact_email", ""),
            body.get("contact_phone", ""),
            body["category"],
            body["platform"],
            body["explanation"],
            True,
            stamp,
            case_id,
            election.pk,
            platform_id,
            user_id,
            org_id,
        ],
    )
    signal_id = cursor.fetchone()[0]
    for raw, norm in urls:
        cursor.execute(SIGNAL_URL_SQL, [raw, norm, signal_id])
    events = [
        ("case_opened", "intake.case", case_id, {"reference": reference, "platform": slug}),
        ("signal_recorded", "intake.signal", signal_id, {"case": reference, "urls": hashes}),
    ]
    cursor.execute(HEAD_SQL)
    seq, prev = cursor.fetchone()
    for action, object_type, object_id, after in events:
        seq += 1
        payload = {
            "seq": seq,
            "at": now.isoformat(),
            "actor_label": username,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": None,
            "after": after,
            "prev_hash": prev,
            "actor_ref": user_id,
            "hash_version": 2,
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        cursor.execute(
            EVENT_SQL,
            [
                seq,
                stamp,
                username,
                action,
                object_type,
                str(object_id),
                json.dumps(after),
                prev,
                digest,
                user_id,
                user_id,
            ],
        )
        prev = digest
    cursor.execute(MOVE_HEAD_SQL, [seq, prev])
    cursor.execute(WANTED_SQL, [case_id, stamp])
    cursor.execute(WANTED_AGAIN_SQL, [case_id])
    cursor.execute(BATCH_WAITING_SQL, [BATCH_TASK])
    if cursor.fetchone() is None:
        args = json.dumps({"args": [], "kwargs": {}})
        cursor.execute(TASK_SQL, [uuid.uuid4().hex, args, BATCH_TASK, stamp, stamp])
    return {"id": signal_id, "case": reference, "intake_outcome": "new_case"}
