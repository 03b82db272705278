# SPDX-License-Identifier: EUPL-1.2
"""Public API of the intake app: record a signal, open or join its case, refer citizens."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from flagdesk.accounts.models import PartnerOrganisation
from flagdesk.accounts.permissions import Action, can, require
from flagdesk.audit import service as audit
from flagdesk.core.problems import StateConflict
from flagdesk.elections.models import Election
from flagdesk.intake import hooks
from flagdesk.intake.models import (
    Attachment,
    Case,
    CaseCounter,
    CaseState,
    CaseUrl,
    Category,
    IntakeOutcome,
    RefusalCount,
    SearchText,
    Signal,
    SignalUrl,
)
from flagdesk.intake.signals import signal_recorded
from flagdesk.intake.uploads import check_upload
from flagdesk.platforms import selectors as platform_reads
from flagdesk.platforms import service as platforms
from flagdesk.platforms.models import Platform
from flagdesk.rules.eligibility import (
    ACCEPTED_SOURCES,
    REFUSED_AT_INTAKE,
    History,
    Referral,
    SignalFacts,
    intake_reasons,
    referral_for,
)
from flagdesk.rules.reasons import Reason
from flagdesk.rules.urls import InvalidUrl, normalise_url, url_forms
from flagdesk.rules.urlset import Holder, Route, Routing, route_signal

__all__ = ["InvalidUrl", "normalise_url", "record_signal", "url_hash"]

MAX_URLS_PER_SIGNAL = 20


@dataclass
class SignalInput:
    election: Election
    source_type: str
    category: str
    platform_name: str
    content_urls: Sequence[str]
    explanation: str
    received_via: str
    source_organisation: PartnerOrganisation | None = None
    source_organisation_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    received_at: dt.datetime | None = None
    own_contact_attempts: int = 0
    own_contact_last_at: dt.datetime | None = None
    own_contact_result: str = ""
    # Not confirmed unless the caller says so (the API has no such field: it records False).
    good_faith: bool = False
    attachments: Sequence[UploadedFile] = field(default_factory=list)
    # ``normalise_all(content_urls)`` when the caller validated the URLs with it already.
    url_pairs: Sequence[tuple[str, str]] | None = None


@dataclass
class IntakeResult:
    outcome: str
    reasons: tuple[Reason, ...]
    signal: Signal | None = None
    case: Case | None = None
    referral: Referral | None = None

    @property
    def stored(self) -> bool:
        return self.signal is not None


def url_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def normalise_all(urls: Sequence[str]) -> list[tuple[str, str]]:
    """``(original, normalised)`` per distinct URL; raises ValidationError naming a bad one."""
    if len(urls) > MAX_URLS_PER_SIGNAL:
        raise ValidationError(_("At most %(n)d URLs per signal.") % {"n": MAX_URLS_PER_SIGNAL})
    pairs: dict[str, str] = {}
    for raw in urls:
        try:
            pairs.setdefault(normalise_url(raw), raw.strip())
        except InvalidUrl as exc:
            raise ValidationError(
                _("Not a valid content URL: %(url)s") % {"url": raw[:200]}, code="invalid_url"
            ) from exc
    return [(original, norm) for norm, original in pairs.items()]


def signal_facts(
    source_type: str,
    category: str,
    platform_name: str,
    urls: Sequence[str],
    organisation: str | None = None,
    platform: Platform | None = None,
) -> SignalFacts:
    """:param platform: the platform ``platform_name`` is the key of, when the caller has
    read it already (a case's own platform): not looked up again."""
    return SignalFacts(
        source_type=source_type,
        category=category,
        platform_name=platform_name,
        platform=platforms.facts(platform) if platform else platforms.facts_for(platform_name),
        content_urls=tuple(urls),
        source_organisation=organisation,
        platform_hosts=platform_reads.host_registry(),
    )


def record_signal(data: SignalInput, actor: Any = None) -> IntakeResult:
    """Run the intake gate and store what may be stored.

    A citizen's (or any other unaccepted source's) signal is never stored: only an
    anonymous count per day and platform; a citizen gets the platform's reporting route.
    A signal for a platform without a channel, or with a URL on another platform than the one
    named (URL_OTHER_PLATFORM), is stored as refused. Otherwise the signal
    opens a case, or joins the case that already holds one of its URLs.
    """
    if actor is not None and not (
        can(actor, Action.RECORD_SIGNAL) or can(actor, Action.SUBMIT_SIGNAL_AS_PARTNER)
    ):
        raise PermissionDenied(
            "recording a signal needs the intake or assessor role, or a partner token"
        )
    pairs = _url_pairs(data) if data.source_type in ACCEPTED_SOURCES else []
    for upload in data.attachments:
        check_upload(upload)
    for _attempt in range(3):
        # Read before the transaction: on SQLite that holds the write lock, which every
        # other intake waits for, so it should hold only what must be atomic.
        platform, hosts = platforms.resolve_with_hosts(data.platform_name)
        try:
            with transaction.atomic():
                return _record(data, pairs, platform, hosts, actor)
        except IntegrityError:
            # Another process opened a case for the same URL at the same moment: join it.
            continue
    raise RuntimeError("could not record the signal after three attempts")


def _url_pairs(data: SignalInput) -> list[tuple[str, str]]:
    if data.url_pairs is not None:
        return list(data.url_pairs)
    return normalise_all(data.content_urls)


def _record(
    data: SignalInput,
    pairs: list[tuple[str, str]],
    platform: Platform | None,
    hosts: dict[str, str],
    actor: Any,
) -> IntakeResult:
    # One moment for the signal's receipt and, when it opens a case, the case's clock.
    data = replace(data, received_at=data.received_at or timezone.now())
    # Only URLs that some case already holds can have been notified: look those up, once.
    held, pairs = _held_urls(data.election, pairs)
    facts = SignalFacts(
        source_type=data.source_type,
        category=data.category,
        platform_name=data.platform_name,
        platform=platforms.facts(platform) if platform else None,
        content_urls=tuple(norm for _, norm in pairs),
        platform_hosts=hosts,
    )
    notified = hooks.decision_lookups().notified_urls(data.election, among=held) if held else ()
    history = History(notified_urls=notified)
    reasons = intake_reasons(facts, history)
    if Reason.SOURCE_NOT_ACCEPTED in reasons:
        referral = referral_for(facts)
        _count_refusal(data, facts, referral is not None, actor)
        return IntakeResult("not_stored", reasons, referral=referral)

    case = None
    # The case's event (if one is opened) and the signal's go into the chain together.
    events: list[audit.Entry] = []
    outcome: str = IntakeOutcome.REFUSED
    if not REFUSED_AT_INTAKE.intersection(reasons):
        assert platform is not None
        case, outcome = _case_for(data, platform, pairs, held, events)
        _add_urls(case, pairs, taken={row.url_hash for row in held})
    signal, recorded = _create_signal(data, platform, pairs, case, outcome, reasons, actor)
    audit.log_many([*events, recorded], actor=actor)
    if case is not None:
        opened = outcome == IntakeOutcome.NEW_CASE
        signal_recorded.send(sender=Signal, recorded=signal, case=case, opened=opened)
    return IntakeResult(outcome, reasons, signal=signal, case=case)


def _create_signal(
    data: SignalInput,
    platform: Any,
    pairs: list[tuple[str, str]],
    case: Case | None,
    outcome: str,
    reasons: tuple[Reason, ...],
    actor: Any,
) -> tuple[Signal, audit.Entry]:
    organisation = data.source_organisation
    signal = Signal.objects.create(
        election=data.election,
        case=case,
        received_at=data.received_at or timezone.now(),
        received_via=data.received_via,
        source_organisation=organisation,
        source_organisation_name=organisation.name
        if organisation
        else data.source_organisation_name,
        source_type=data.source_type,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        contact_phone=data.contact_phone,
        category=data.category,
        platform=platform,
        platform_name=data.platform_name,
        explanation=data.explanation,
        own_contact_attempts=data.own_contact_attempts,
        own_contact_last_at=data.own_contact_last_at,
        own_contact_result=data.own_contact_result,
        good_faith=data.good_faith,
        intake_outcome=outcome,
        intake_reasons=[str(r) for r in reasons],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    SignalUrl.objects.bulk_create(
        SignalUrl(signal=signal, url=url, normalised_url=norm) for url, norm in pairs
    )
    digests = [_store_attachment(signal, upload).sha256 for upload in data.attachments]
    snapshot = {
        "election": data.election.code,
        "source_type": signal.source_type,
        "source_organisation": signal.source_organisation_name,
        "received_via": signal.received_via,
        "category": signal.category,
        "platform": platform.slug if platform else data.platform_name,
        "urls": [url for url, _ in pairs],
        "attachments": digests,
        "outcome": outcome,
        "case": case.reference if case else None,
        "reasons": [str(r) for r in reasons],
    }
    if case is not None and case.related_to is not None and outcome == IntakeOutcome.RELATED_CASE:
        snapshot["related_to"] = case.related_to.reference
    if case is not None:
        # A new signal is a new source: one INSERT, no UPDATE that can only find nothing.
        SearchText.objects.create(
            case_id=case.pk, source=f"signal:{signal.pk}", body=signal_search_body(signal)
        )
    # Returned, not logged: the caller writes it together with the case's event, if any.
    return signal, audit.Entry("signal_recorded", signal, after=snapshot)


def signal_search_body(signal: Signal) -> str:
    """The words a signal makes its case findable by: no contact details (personal data that
    retention blanks and not every reader of a search result needs)."""
    parts = (
        signal.source_organisation_name,
        signal.platform_name,
        signal.explanation,
        signal.own_contact_result,
    )
    return "\n".join(part for part in parts if part)


def index_search_text(case_id: int, source: str, body: str) -> None:
    """Make a case findable by ``body`` (full-text search, ``intake/search.py``).

    :param source: what the words come from (``signal:12``, ``assessment``, ``decision:5``);
        a later call with the same source replaces the earlier words.
    """
    # Not update_or_create: it takes a plain FOR UPDATE lock, which blocks the foreign-key
    # checks of other writers on PostgreSQL (core/tests/test_locking.py). Each source is
    # written by one path that already holds the case (a new signal or decision, or the
    # assessment under the case's lock), so update-then-create has no race to lose.
    found = SearchText.objects.filter(case_id=case_id, source=source).update(body=body)
    if not found:
        SearchText.objects.create(case_id=case_id, source=source, body=body)


def log_case_list_export(actor: Any, fmt: str, filters: dict[str, str], rows: int) -> None:
    """Audit an export of the case list: who, which format, which filter, how many rows.

    :param filters: the list's filter as the user gave it (a URL in the search without its
        credentials: ``intake.search.without_credentials``)."""
    with transaction.atomic():
        audit.log(
            "case_list_exported",
            ("intake.case", ""),
            actor=actor,
            after={"format": fmt, "filter": filters, "rows": rows},
        )


def _store_attachment(signal: Signal, upload: UploadedFile) -> Attachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Attachment.objects.create(
        signal=signal,
        file=upload,
        filename=(upload.name or "attachment")[:255],
        content_type=upload.content_type or "application/octet-stream",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )


def _count_refusal(data: SignalInput, facts: SignalFacts, referred: bool, actor: Any) -> None:
    key = facts.platform.key if facts.platform else platforms.canonical_key(data.platform_name)
    counter, _created = RefusalCount.objects.select_for_update(no_key=True).get_or_create(
        day=timezone.localdate(),
        election=data.election,
        platform_key=key[:100],
        source_type=data.source_type[:32],
        defaults={"referred": referred},
    )
    RefusalCount.objects.filter(pk=counter.pk).update(count=F("count") + 1)
    audit.log(
        "citizen_referred" if referred else "source_refused",
        counter,
        actor=actor,
        after={"platform": key, "source_type": data.source_type},
    )


def _held_urls(
    election: Election, pairs: list[tuple[str, str]]
) -> tuple[list[CaseUrl], list[tuple[str, str]]]:
    """The CaseUrl rows of this election that hold any of these URLs, oldest case first, and
    the pairs with each URL in the form its case stored it (see ``stored_forms``)."""
    forms = {norm: _forms(url, norm) for url, norm in pairs}
    hashes = {url_hash(form): form for known in forms.values() for form in known}
    if not hashes:
        return [], pairs
    # No join and no ORDER BY: for a new URL (most signals) the answer is empty, and the
    # cases are read only when there is something to sort.
    held = list(CaseUrl.objects.filter(election=election, url_hash__in=hashes).order_by())
    return _sorted_by_case(held), stored_forms(pairs, forms, {row.normalised_url for row in held})


def _forms(url: str, norm: str) -> tuple[str, ...]:
    try:
        return (norm, *url_forms(url)[1:])
    except InvalidUrl:  # a pair given ready-made (``SignalInput.url_pairs``)
        return (norm,)


def stored_forms(
    pairs: list[tuple[str, str]], forms: dict[str, tuple[str, ...]], stored: set[str]
) -> list[tuple[str, str]]:
    """Each pair with the form a case already stored, if one did.

    A URL stored before the tracking lists were merged (issue 13) keeps its old form, so its
    hash and the digest of a decision over it stay valid; a signal naming it again joins it."""
    return [
        (url, next((form for form in forms[norm] if form in stored), norm)) for url, norm in pairs
    ]


def _sorted_by_case(held: list[CaseUrl]) -> list[CaseUrl]:
    if held:
        cases = Case.objects.in_bulk({row.case_id for row in held})
        for row in held:
            row.case = cases[row.case_id]
        held.sort(key=lambda row: (row.case.created_at, row.case_id))
    return held


def _case_for(
    data: SignalInput,
    platform: Platform,
    pairs: list[tuple[str, str]],
    held: list[CaseUrl],
    events: list[audit.Entry],
) -> tuple[Case, IntakeOutcome]:
    """The case the signal goes to, and the intake outcome; appends the events of a case it
    opens. A case whose URLs a decision froze takes no new URLs (``urlset.route_signal``)."""
    routing = _route(pairs, held)
    cases = {row.case_id: row.case for row in held}
    assert data.received_at is not None  # _record set it
    # A signal can't have been received after we record it: a receipt time in the future
    # (the API takes any up to 2200) must not hold a case's clock back for years.
    started = min(data.received_at, timezone.now())
    if routing.route == Route.JOIN:
        assert routing.case_id is not None
        joined = cases[routing.case_id]
        _clock_from(joined, started)
        return joined, IntakeOutcome.JOINED_CASE
    related_to = cases[routing.case_id] if routing.case_id is not None else None
    case = _open_case(data.election, platform, data.category, related_to, started)
    events.append(_case_opened(case))
    if related_to is None:
        return case, IntakeOutcome.NEW_CASE
    taken = {row.url_hash for row in held}
    late = [url for url, norm in pairs if url_hash(norm) not in taken]
    events.append(
        audit.Entry(
            "related_case_opened", related_to, after={"related_case": case.reference, "urls": late}
        )
    )
    return case, IntakeOutcome.RELATED_CASE


def _route(pairs: list[tuple[str, str]], held: list[CaseUrl]) -> Routing:
    if not held:
        return Routing(Route.NEW_CASE)
    case_ids = list(dict.fromkeys(row.case_id for row in held))  # oldest case first
    # The same row lock a decision takes before it freezes the case's URLs: either the
    # decision sees this signal's URLs, or this signal sees the decision.
    _lock_cases(case_ids)
    frozen = hooks.decision_lookups().frozen_sets(case_ids)
    holders = [
        Holder(
            case_id,
            frozenset(row.normalised_url for row in held if row.case_id == case_id),
            frozen.get(case_id),
        )
        for case_id in case_ids
    ]
    return route_signal({norm for _url, norm in pairs}, holders)


def _lock_cases(case_ids: list[int]) -> None:
    # In primary-key order, so two signals touching the same cases cannot deadlock.
    list(
        Case.objects.select_for_update(no_key=True)
        .filter(pk__in=case_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _clock_from(case: Case, received_at: dt.datetime) -> None:
    """A joining signal received before the case's first one moves the decision clock's start
    back to it (the clock runs from the first signal's receipt). The start only ever moves
    back, so ``case`` read before the lock is an upper bound: a later signal (the usual one)
    costs no query, and the UPDATE's own condition keeps an earlier start another signal
    wrote meanwhile."""
    if received_at < case.clock_since:
        Case.objects.filter(pk=case.pk, clock_since__gt=received_at).update(clock_since=received_at)
        case.clock_since = received_at


def _open_case(
    election: Election,
    platform: Any,
    category: str,
    related_to: Case | None = None,
    clock_since: dt.datetime | None = None,
) -> Case:
    return Case.objects.create(
        reference=_next_reference(election),
        election=election,
        platform=platform,
        category=category,
        state=CaseState.NEW,
        related_to=related_to,
        clock_since=clock_since or timezone.now(),
    )


def _case_opened(case: Case) -> audit.Entry:
    after = {
        "reference": case.reference,
        "category": case.category,
        "platform": case.platform.slug,
        "election": case.election.code,
    }
    if case.related_to is not None:
        after["related_to"] = case.related_to.reference
    return audit.Entry("case_opened", case, after=after)


def _add_urls(case: Case, pairs: list[tuple[str, str]], taken: set[str]) -> None:
    CaseUrl.objects.bulk_create(
        CaseUrl(
            case=case, election=case.election, url=url, normalised_url=norm, url_hash=url_hash(norm)
        )
        for url, norm in pairs
        if url_hash(norm) not in taken
    )


def _next_reference(election: Election) -> str:
    year = election.election_day.year
    last = _increment_counter(year)
    if last is None:
        counter, _created = CaseCounter.objects.select_for_update(no_key=True).get_or_create(
            year=year
        )
        counter.last += 1
        counter.save(update_fields=["last"])
        last = counter.last
    return f"FD-{year}-{last:04d}"


def _increment_counter(year: int) -> int | None:
    """Count the year's counter up and return it, in one statement that locks the row
    (``None`` when the year has no counter yet, or the database cannot return the value)."""
    if not connection.features.can_return_columns_from_insert:
        return None  # SQLite before 3.35 has no RETURNING.
    quote = connection.ops.quote_name
    # The model's fields have no db_column: their names are the columns.
    table, last, year_column = quote(CaseCounter._meta.db_table), quote("last"), quote("year")
    # Identifiers only (quoted, from the model); the year goes in as a parameter.
    sql = f"UPDATE {table} SET {last} = {last} + 1 WHERE {year_column} = %s RETURNING {last}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def set_case_state(case: Case, state: str, actor: Any) -> None:
    if case.state == state:
        return
    before = case.state
    case.state = state
    case.save(update_fields=["state", "updated_at"])
    audit.log(
        "case_state_changed", case, actor=actor, before={"state": before}, after={"state": state}
    )


# ------------------------------------------------------------- owners (issue 15)
# Ownership is advice to colleagues, not a lock: nothing else refuses a non-owner. Who may
# own, take and assign is in accounts.permissions (OWN_CASE, ASSIGN_CASES).

MAX_BULK_ASSIGN = 500


class OwnershipConflict(StateConflict):
    """The owner changed since the user looked, or the assignment is not possible."""


def take_case(case: Case, actor: Any, seen_owner_id: int | None) -> Case:
    """Make ``actor`` the owner of ``case``, also taking it over from a colleague.

    :param seen_owner_id: the owner the user saw when they clicked (``None``: nobody). When
        someone else took the case meanwhile, raises OwnershipConflict naming them, so of two
        people taking at once one wins and the other is told who.
    """
    require(actor, Action.OWN_CASE)
    with transaction.atomic():
        case = _locked_case(case.pk)
        if case.owner_id == actor.pk:
            return case
        if case.owner_id != seen_owner_id:
            raise OwnershipConflict(_taken_meanwhile(case))
        return _set_owner(case, actor, "case_taken", actor)


def assign_case(case: Case, assignee: Any, actor: Any) -> Case:
    """An approver or administrator makes ``assignee`` (who may own cases) the owner."""
    require(actor, Action.ASSIGN_CASES)
    _check_assignee(assignee)
    with transaction.atomic():
        case = _locked_case(case.pk)
        if case.owner_id == assignee.pk:
            return case
        return _set_owner(case, assignee, "case_assigned", actor)


def release_case(case: Case, actor: Any) -> Case:
    """The owner lets go of the case; an approver or administrator may release anyone's."""
    with transaction.atomic():
        case = _locked_case(case.pk)
        if case.owner_id is None:
            return case
        if case.owner_id != actor.pk:
            require(actor, Action.ASSIGN_CASES)
        return _set_owner(case, None, "case_released", actor)


def bulk_assign(
    case_ids: Collection[int], assignee: Any, actor: Any, election: Election | None = None
) -> list[Case]:
    """Assign every case in ``case_ids`` to ``assignee``, all or nothing, one event per case
    whose owner changes.

    Raises OwnershipConflict when an id names no case (of ``election``, when given): a
    forged or stale selection assigns nothing.
    """
    require(actor, Action.ASSIGN_CASES)
    _check_assignee(assignee)
    ids = sorted(set(case_ids))
    if not ids or len(ids) > MAX_BULK_ASSIGN:
        raise OwnershipConflict(_("Select between 1 and %(n)d cases.") % {"n": MAX_BULK_ASSIGN})
    with transaction.atomic():
        query = Case.objects.select_for_update(no_key=True).filter(pk__in=ids)
        if election is not None:
            query = query.filter(election=election)
        cases = list(query.order_by("pk"))
        if len(cases) != len(ids):
            raise OwnershipConflict(
                _("Some selected cases are not in this list any more; nothing was assigned.")
            )
        with audit.batched():
            return [
                case
                if case.owner_id == assignee.pk
                else _set_owner(case, assignee, "case_assigned", actor)
                for case in cases
            ]


def _locked_case(pk: int) -> Case:
    # No join to the owner here: a row re-read after waiting for the lock would come with
    # the owner joined as it was before the wait (PostgreSQL rechecks only the locked row).
    return Case.objects.select_for_update(no_key=True).get(pk=pk)


def _check_assignee(assignee: Any) -> None:
    if assignee is None or not can(assignee, Action.OWN_CASE):
        raise OwnershipConflict(_("Only assessors and approvers can own a case."))


def _taken_meanwhile(case: Case) -> str:
    if case.owner is None:
        return _(
            "%(case)s was released meanwhile. Look again and take it if you still want to."
        ) % {"case": case.reference}
    return _("%(name)s took %(case)s a moment ago. Take it over from them only if you agree.") % {
        "name": case.owner.get_username(),
        "case": case.reference,
    }


def _set_owner(case: Case, owner: Any, action: str, actor: Any) -> Case:
    # The name for people reading the log, the id for whoever acts on the event (notifications).
    before = {"owner": case.owner.get_username() if case.owner else None, "owner_id": case.owner_id}
    case.owner = owner
    case.owned_since = timezone.now() if owner is not None else None
    case.save(update_fields=["owner", "owned_since", "updated_at"])
    after = {
        "owner": owner.get_username() if owner is not None else None,
        "owner_id": owner.pk if owner is not None else None,
    }
    audit.log(action, case, actor=actor, before=before, after=after)
    return case


def cases_for_election(election: Election) -> QuerySet[Case]:
    return Case.objects.filter(election=election).select_related("platform", "election", "owner")


def signals_for_election(election: Election) -> QuerySet[Signal]:
    return Signal.objects.filter(election=election)


def refusals_counted(election: Election) -> tuple[int, int]:
    """``(refused, referred)``: refusals at the gate that kept no signal (the anonymous
    counters), and how many of them were citizens referred to the platform."""
    sums = RefusalCount.objects.filter(election=election).aggregate(
        refused=Sum("count"), referred=Sum("count", filter=Q(referred=True))
    )
    return sums["refused"] or 0, sums["referred"] or 0


def signals_recorded_by(user: Any) -> QuerySet[Signal]:
    """What a staff member entered, newest first (the dashboard's "waits for me")."""
    return (
        Signal.objects.filter(recorded_by=user)
        .select_related("case", "election", "platform")
        .order_by("-created_at", "-pk")
    )


def with_signal_counts(cases: list[Case]) -> list[Case]:
    """Set ``signal_count`` on each case with one query for the page's rows only (not one
    per row, and not for every row that a deep page's OFFSET skips)."""
    counts = dict(
        Signal.objects.filter(case__in=cases)
        .order_by()
        .values_list("case")
        .annotate(n=Count("pk"))
        .values_list("case", "n")
    )
    for case in cases:
        case.signal_count = counts.get(case.pk, 0)  # type: ignore[attr-defined]
    return cases


def case_rows(cases: Iterable[Case]) -> list[dict[str, Any]]:
    """What a list of cases shows of each (the case list, the dashboard), as plain dicts:
    the template engine looks a dict's keys up at once, where a model's attributes and
    ``get_…_display`` cost it a failed subscript, a getattr and a choices lookup each (a
    fifth of the case list's CPU, benchmarks/pages.py). ``signal_count`` is there when
    :func:`with_signal_counts` set it."""
    categories, states = dict(Category.choices), dict(CaseState.choices)
    cases = list(cases)
    # A decided case shows how far it got after the decision (desk/progress.py).
    steps = hooks.case_progress()(cases)
    return [
        {
            "reference": case.reference,
            "url": reverse("fd-case-detail", kwargs={"reference": case.reference}),
            "created_at": case.created_at,
            "platform": case.platform.name,
            "category": categories.get(case.category, case.category),
            "state": steps[case.pk][1] if case.pk in steps else states.get(case.state, case.state),
            "step": steps[case.pk][0] if case.pk in steps else case.state,
            "signal_count": getattr(case, "signal_count", None),
            "owner": case.owner.get_username() if case.owner_id and case.owner else "",
            "pk": case.pk,
        }
        for case in cases
    ]


def cases_by_ids(ids: list[int]) -> list[Case]:
    """The cases with these ids, in this order, with election, platform and signal counts.

    Lists page through ids first: ``OFFSET`` then walks only the covering index
    ``(election, -created_at, -id)`` instead of joining every skipped row.
    """
    found = Case.objects.select_related("election", "platform", "owner").in_bulk(ids)
    return with_signal_counts([found[pk] for pk in ids if pk in found])


# ------------------------------------------------------------- retention
# Called by ``records.service`` inside its transaction, which writes the audit event (counts
# only); each returns counts and, with ``dry_run``, changes nothing.


def anonymise_contacts(before: dt.date, *, dry_run: bool = False) -> dict[str, int]:
    """Blank the signaller's name, e-mail and phone on signals of elections whose attention
    window ended before ``before``. The signal, its organisation and its case stay.

    :returns: ``{"signals": n}``, the signals that still had contact details.
    """
    signals = Signal.objects.filter(election__attention_end__lt=before).exclude(
        contact_name="", contact_email="", contact_phone=""
    )
    if dry_run:
        return {"signals": signals.count()}
    return {"signals": signals.update(contact_name="", contact_email="", contact_phone="")}


def delete_refusal_counts(before: dt.date, *, dry_run: bool = False) -> dict[str, int]:
    """Delete the anonymous refusal counters of days before ``before``.

    :returns: ``{"counters": rows, "refusals": the sum of their counts}``.
    """
    rows = RefusalCount.objects.filter(day__lt=before)
    counters = rows.count()
    refusals = sum(rows.values_list("count", flat=True))
    if not dry_run and counters:
        rows.delete()
    return {"counters": counters, "refusals": refusals}


def delete_attachments(
    before: dt.date, *, dry_run: bool = False, keep_elections: Collection[int] = ()
) -> dict[str, int]:
    """Delete the files signallers attached (and their rows) for elections whose attention
    window ended before ``before``, except those of ``keep_elections`` (not yet exported to
    the archive). The signal's audit event keeps each file's SHA-256.

    The files are removed before the caller commits: if the commit then fails, the rows are
    still due and the next run removes them; no file outlives its row unnoticed.

    :returns: ``{"files": n, "bytes": total size}``.
    """
    attachments = Attachment.objects.filter(signal__election__attention_end__lt=before).exclude(
        signal__election_id__in=list(keep_elections)
    )
    found = list(attachments.values_list("pk", "file", "size"))
    result = {"files": len(found), "bytes": sum(size for _pk, _name, size in found)}
    if dry_run or not found:
        return result
    storage = Attachment._meta.get_field("file").storage
    Attachment.objects.filter(pk__in=[pk for pk, _name, _size in found]).delete()
    for _pk, name, _size in found:
        if name:
            storage.delete(name)
    return result
