# SPDX-License-Identifier: EUPL-1.2
"""How far an inbound mail can be trusted to speak for a platform: pure functions, named reasons.

Three questions, answered separately and stored on the message:

1. **Who sent it** (``assess_sender``): the From domain (and the Return-Path, the envelope
   sender the receiving server recorded) against the platforms' mail domains (subdomains
   count), our own domains and mail-system senders (MAILER-DAEMON, postmaster). A domain that
   is none of these but *resembles* a platform's is a **lookalike** (``lookalike_reasons``):
   a brand token in it (``meta-support-desk.example``, ``evil-facebook.com``), a platform
   domain embedded in it (``facebook.com.evil.example``), a small edit distance
   (``twiter.com``) or a homoglyph / punycode form (``fаcebook.com`` with a Cyrillic а,
   ``faceb00k.com``).
2. **Is that authenticated** (``authentication``): only ``Authentication-Results`` headers
   (RFC 8601) that our own receiving server added count: the topmost one, and those directly
   under it, if they carry one of our authserv-ids. Anyone can write such a header into a
   mail, so one further down, or one naming another server, is ignored. Optionally DKIM is
   also verified here (``verify_dkim``, dkimpy). A pass counts only when it is *aligned*:
   DKIM ``d=`` or SPF ``smtp.mailfrom`` is the From domain, a parent or child of it, or a
   mail domain of the same platform; DMARC's ``header.from`` is the From domain.
3. **What ties it to our notice** and may it act (``decide``): a **strong link** is our own
   Message-ID in In-Reply-To/References or in the original part of a delivery/read report,
   or a platform ticket number first learned from authenticated platform mail (and quoted
   by authenticated platform mail again). A case reference in the subject or text, a
   lookalike or a failing authentication make it **weak**. Only a strong link from the
   notice's platform (for bounces: from a mail system, with our Message-ID in the returned
   original) that does not fail authentication may change the notice; anything else waits
   for an assessor to confirm it.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy as email_policy
from email.parser import BytesHeaderParser
from enum import StrEnum

from rapidfuzz.distance import Levenshtein

__all__ = [
    "AuthResult",
    "Authentication",
    "LinkStrength",
    "Reason",
    "Sender",
    "SenderKind",
    "Verdict",
    "assess_sender",
    "authentication",
    "decide",
    "domain_of",
    "header_fields",
    "lookalike_reasons",
    "parse_authentication_results",
    "platform_of",
    "verify_dkim",
]


class Reason(StrEnum):
    # who sent it
    PLATFORM_DOMAIN = "platform_domain"
    OTHER_PLATFORM = "other_platforms_domain"
    OWN_DOMAIN = "own_domain"
    MAIL_SYSTEM = "mail_system_sender"
    NOT_A_PLATFORM_DOMAIN = "not_a_platform_domain"
    NO_SENDER = "no_sender_address"
    LOOKALIKE_BRAND = "lookalike_brand_token"
    LOOKALIKE_EMBEDDED = "lookalike_platform_domain_embedded"
    LOOKALIKE_EDIT_DISTANCE = "lookalike_edit_distance"
    LOOKALIKE_HOMOGLYPH = "lookalike_homoglyph"
    LOOKALIKE_RETURN_PATH = "lookalike_return_path"
    RETURN_PATH_OTHER_DOMAIN = "return_path_other_domain"
    BRAND_IN_DISPLAY_NAME = "brand_in_display_name"
    # authentication
    AUTH_PASS = "authenticated"  # noqa: S105 - a reason code, not a password
    AUTH_FAIL = "authentication_failed"
    AUTH_NONE = "not_authenticated"
    NOT_ALIGNED = "authenticated_domain_not_aligned"
    FOREIGN_RESULTS_IGNORED = "foreign_authentication_results_ignored"
    LOWER_RESULTS_IGNORED = "lower_authentication_results_ignored"
    DKIM_UNREADABLE = "dkim_signature_unreadable"
    # link to a notice
    OUR_COPY = "our_own_copy"
    OUR_ID_FROM_STRANGER = "our_message_id_from_stranger"
    OUR_ID_IN_THREAD = "our_message_id_in_thread"
    OUR_ID_IN_REPORT = "our_message_id_in_report"
    TICKET_NUMBER = "platform_ticket_number"
    TICKET_NUMBER_UNAUTHENTICATED = "platform_ticket_number_unauthenticated"
    CASE_REFERENCE_SUBJECT = "case_reference_in_subject"
    CASE_REFERENCE_BODY = "case_reference_in_text"
    OUR_ID_IN_TEXT = "our_message_id_in_text"
    ANSWERS_EARLIER_MAIL = "answers_mail_linked_earlier"
    AMBIGUOUS_LINK = "evidence_for_several_cases"
    ATTACHED_BY_HAND = "attached_by_hand"
    # decision
    NOT_THE_NOTICES_PLATFORM = "not_the_notices_platform"
    REPORT_WITHOUT_OUR_ORIGINAL = "report_without_our_original"
    REPORT_NOT_FROM_MAIL_SYSTEM = "report_not_from_mail_system"
    NO_NOTICE = "no_notice"
    LEGACY_IMPORT = "imported_before_trust_check"


# Reasons that mark the sender as pretending to be a platform.
LOOKALIKE = frozenset(
    {
        Reason.LOOKALIKE_BRAND,
        Reason.LOOKALIKE_EMBEDDED,
        Reason.LOOKALIKE_EDIT_DISTANCE,
        Reason.LOOKALIKE_HOMOGLYPH,
        Reason.LOOKALIKE_RETURN_PATH,
    }
)


class SenderKind(StrEnum):
    PLATFORM = "platform"
    OWN = "own"
    MAIL_SYSTEM = "mail_system"
    LOOKALIKE = "lookalike"
    OTHER = "other"


class AuthResult(StrEnum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    NONE = "none"


class LinkStrength(StrEnum):
    STRONG = "strong"
    WEAK = "weak"
    NONE = "none"


@dataclass(frozen=True)
class Sender:
    address: str
    domain: str
    kind: SenderKind
    platform: str = ""
    """The platform whose mail domain ``domain`` is (its slug), else empty."""
    null_return_path: bool = False
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Authentication:
    result: AuthResult
    method: str = ""
    """``dmarc``, ``dkim``, ``spf`` (from our server's results) or ``dkim-local`` (checked here)."""
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Verdict:
    link_strength: LinkStrength
    acts: bool
    """Whether the mail may change the notice (acknowledged, accepted, bounced) by itself."""
    reasons: tuple[Reason, ...] = ()


# --- domains -----------------------------------------------------------------------------

DAEMON_LOCAL_PARTS = frozenset(
    {"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster", "mdaemon"}
)
# Brand words beyond the labels of the platforms' domains; a word of three letters or fewer
# counts only as a whole word ("meta-support", not "metadata"), "x" only in these compounds.
EXTRA_BRAND_TOKENS = (
    "x-support",
    "xsupport",
    "x-corp",
    "xcorp",
    "x-safety",
    "x-trust",
    "instagram",
    "whatsapp",
    "messenger",
)
# Characters that read as Latin letters: Cyrillic and Greek homoglyphs, and digits or
# pairs used for letters. Applied after NFKD (which already folds fullwidth forms).
_CONFUSABLE = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ս": "u",
        "к": "k", "м": "m", "т": "t", "в": "b", "н": "h", "ь": "b", "ԛ": "q", "ԝ": "w",
        "α": "a", "ο": "o", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "ѵ": "v", "0": "o", "1": "l", "3": "e", "5": "s", "@": "a",
        "ı": "i", "ł": "l", "ø": "o", "đ": "d",
    }
)  # fmt: skip
_MULTI_CONFUSABLE = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_WORD_SPLIT = re.compile(r"[\W_\d]+")


def normalise_domain(domain: str) -> str:
    """Lower-case ASCII (punycode) form without a trailing dot; ``""`` when unusable."""
    domain = domain.strip().strip("<>[]").rstrip(".").lower()
    if not domain or any(c.isspace() for c in domain):
        return ""
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def unicode_domain(domain: str) -> str:
    """The Unicode form of a punycode domain (for homoglyph checks); as is when not IDN."""
    labels = []
    for label in domain.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return ".".join(labels)


def domain_of(address: str) -> str:
    """The normalised domain of an e-mail address; ``""`` without one."""
    local, at, domain = address.strip().strip("<>").rpartition("@")
    return normalise_domain(domain) if at and local else ""


def _within(domain: str, parent: str) -> bool:
    return bool(parent) and (domain == parent or domain.endswith("." + parent))


def platform_of(domain: str, platforms: Mapping[str, Sequence[str]]) -> str:
    """The slug of the platform whose mail domain ``domain`` is (or is under), else ``""``."""
    for slug, domains in platforms.items():
        if any(_within(domain, normalise_domain(d)) for d in domains):
            return slug
    return ""


def _skeleton(text: str) -> str:
    """What ``text`` looks like to a reader: confusables folded to plain Latin letters."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = plain.translate(_CONFUSABLE)
    for pair, letter in _MULTI_CONFUSABLE:
        folded = folded.replace(pair, letter)
    return folded


def _brand_tokens(platforms: Mapping[str, Sequence[str]]) -> list[str]:
    tokens = set(EXTRA_BRAND_TOKENS)
    for slug, domains in platforms.items():
        tokens.add(slug.lower())
        # The name a domain is registered under ("facebookmail"), not subdomains ("support").
        tokens.update(_registrable_label(normalise_domain(d)) for d in domains if "." in d)
    return sorted(t for t in tokens if len(t) >= 3 or "-" in t)


def _registrable_label(domain: str) -> str:
    labels = domain.split(".")
    return labels[-2] if len(labels) >= 2 else labels[0]


def _contains_token(text: str, token: str) -> bool:
    if len(token) >= 6 or "-" in token:
        return token in text
    # Short brand words only as whole words: "meta-support" but not "metadata".
    return token in _WORD_SPLIT.split(text)


def lookalike_reasons(domain: str, platforms: Mapping[str, Sequence[str]]) -> tuple[Reason, ...]:
    """Why ``domain`` (not itself a platform's) resembles a platform's mail domain; ``()``
    when it does not. Pure; ``platforms`` maps slug → mail domains."""
    domain = normalise_domain(domain)
    if not domain or platform_of(domain, platforms):
        return ()
    known = sorted({normalise_domain(d) for ds in platforms.values() for d in ds} - {""})
    shown = unicode_domain(domain)
    skeleton = _skeleton(shown)
    # The last label is the TLD: "meta" in "example.meta" is no impersonation.
    body = skeleton.rpartition(".")[0] or skeleton
    reasons: list[Reason] = []
    if any(f"{d}." in skeleton or skeleton.startswith(f"{d}-") for d in known):
        reasons.append(Reason.LOOKALIKE_EMBEDDED)
    if any(_contains_token(body, token) for token in _brand_tokens(platforms)):
        reasons.append(Reason.LOOKALIKE_BRAND)
    homoglyph = skeleton != shown.lower() and (
        skeleton in known or any(_within(skeleton, d) for d in known)
    )
    if homoglyph or (not shown.isascii() and Reason.LOOKALIKE_BRAND in reasons):
        reasons.append(Reason.LOOKALIKE_HOMOGLYPH)
    if _near(skeleton, known):
        reasons.append(Reason.LOOKALIKE_EDIT_DISTANCE)
    return tuple(reasons)


def _near(skeleton: str, known: Iterable[str]) -> bool:
    """Its name within a typo of a platform domain's name (``twiter.com``, ``tiktoc.net``).
    Names shorter than five letters are left out: one letter off "x" or "snap" is anything."""
    label = _registrable_label(skeleton)
    for domain in known:
        own = _registrable_label(domain)
        if len(own) >= 5 and 0 < Levenshtein.distance(label, own) <= _allowed(own):
            return True
    return False


def _allowed(text: str) -> int:
    return 2 if len(text) >= 9 else 1


def assess_sender(
    from_address: str,
    *,
    from_name: str = "",
    return_path: str | None = None,
    platforms: Mapping[str, Sequence[str]],
    own_domains: Iterable[str] = (),
) -> Sender:
    """Who sent the mail, judged by its From (the identity people read and DMARC aligns to)
    and its Return-Path (the envelope sender). ``return_path`` None: no such header."""
    domain = domain_of(from_address)
    local_part = from_address.rpartition("@")[0].lower()
    null_return_path = return_path is not None and return_path.strip() in ("", "<>")
    if not domain:
        return Sender(from_address, "", SenderKind.OTHER, "", null_return_path, (Reason.NO_SENDER,))
    envelope = domain_of(return_path or "")
    reasons: list[Reason] = []
    lookalike = list(lookalike_reasons(domain, platforms))
    if envelope and envelope != domain and lookalike_reasons(envelope, platforms):
        lookalike.append(Reason.LOOKALIKE_RETURN_PATH)
    platform = platform_of(domain, platforms)
    if envelope and envelope != domain and not _related(envelope, domain, platforms):
        reasons.append(Reason.RETURN_PATH_OTHER_DOMAIN)
    if not platform and _names_a_brand(from_name, platforms):
        reasons.append(Reason.BRAND_IN_DISPLAY_NAME)
    own = [normalise_domain(d) for d in own_domains]
    if lookalike:
        kind = SenderKind.LOOKALIKE
    elif local_part in DAEMON_LOCAL_PARTS:
        kind = SenderKind.MAIL_SYSTEM
        reasons.insert(0, Reason.MAIL_SYSTEM)
    elif platform:
        kind = SenderKind.PLATFORM
        reasons.insert(0, Reason.PLATFORM_DOMAIN)
    elif any(_within(domain, d) for d in own if d):
        kind = SenderKind.OWN
        reasons.insert(0, Reason.OWN_DOMAIN)
    else:
        kind = SenderKind.OTHER
        reasons.insert(0, Reason.NOT_A_PLATFORM_DOMAIN)
    return Sender(from_address, domain, kind, platform, null_return_path, (*lookalike, *reasons))


def _related(one: str, other: str, platforms: Mapping[str, Sequence[str]]) -> bool:
    if _within(one, other) or _within(other, one):
        return True
    platform = platform_of(one, platforms)
    return bool(platform) and platform == platform_of(other, platforms)


def _names_a_brand(name: str, platforms: Mapping[str, Sequence[str]]) -> bool:
    words = _skeleton(name)
    return any(
        _contains_token(words, t) for t in _brand_tokens(platforms) if len(t) >= 4 or "-" in t
    )


# --- authentication ----------------------------------------------------------------------

MAX_HEADER_BYTES = 1024 * 1024
MAX_RESULTS_HEADERS = 50


def header_fields(raw: bytes) -> list[tuple[str, str]]:
    """The header fields of ``raw`` in order, top first (names lower-case, values unfolded)."""
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=-1)
    head = raw[: end if end >= 0 else MAX_HEADER_BYTES][:MAX_HEADER_BYTES]
    try:
        message = BytesHeaderParser(policy=email_policy.compat32).parsebytes(head)
        items = message.raw_items()
    except Exception:
        return []
    fields = []
    for name, value in items:
        text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        fields.append((str(name).lower(), " ".join(text.split())))
    return fields


@dataclass(frozen=True)
class MethodResult:
    method: str
    result: str
    properties: Mapping[str, str] = field(default_factory=dict)


_COMMENT = re.compile(r"\([^()]*\)")
_PROPERTY = re.compile(r'([A-Za-z0-9_.\-/]+)\s*=\s*("[^"]*"|[^\s;]+)')


def _without_comments(value: str) -> str:
    for _ in range(5):  # nested comments, a few levels deep
        value = _COMMENT.sub(" ", value)
    return value


def parse_authentication_results(value: str) -> tuple[str, list[MethodResult]]:
    """``(authserv-id, results)`` of one Authentication-Results value (RFC 8601)."""
    parts = [p.strip() for p in _without_comments(value).split(";")]
    authserv_id = parts[0].split()[0].lower() if parts and parts[0].split() else ""
    results = []
    for part in parts[1:]:
        pairs = _PROPERTY.findall(part)
        if not pairs:
            continue
        method, result = pairs[0]
        properties = {k.lower(): v.strip('"').lower() for k, v in pairs[1:]}
        results.append(MethodResult(method.split("/")[0].lower(), result.lower(), properties))
    return authserv_id, results


def trusted_results(
    fields: Sequence[tuple[str, str]], authserv_ids: Iterable[str], max_hops: int = -1
) -> tuple[list[MethodResult], tuple[Reason, ...]]:
    """The results our own receiving server wrote: the topmost Authentication-Results header
    if it names one of ``authserv_ids``, with those directly under it that do too (no
    Received header in between). Every other one may have come with the mail.

    ``max_hops`` (when not negative): at most that many Received headers (our own internal
    hops, e.g. the LMTP delivery) may stand above it; one further down was written before
    the mail reached us, whatever id it names."""
    ours = {i.strip().lower() for i in authserv_ids if i.strip()}
    headers = [(n, v) for n, v in fields if n in ("authentication-results", "received")]
    results: list[MethodResult] = []
    trusted = 0
    started = False
    hops = 0
    for name, value in headers:
        if name == "received":
            if started:
                break
            hops += 1
            continue
        started = True
        if 0 <= max_hops < hops:
            break
        authserv_id, found = parse_authentication_results(value)
        if authserv_id not in ours:
            break
        results.extend(found)
        trusted += 1
    total = sum(1 for n, _v in fields if n == "authentication-results")
    reasons: tuple[Reason, ...] = ()
    if total > trusted:
        rest = [
            parse_authentication_results(v)[0] for n, v in fields if n == "authentication-results"
        ]
        below = any(i in ours for i in rest[trusted:MAX_RESULTS_HEADERS])
        reasons = (Reason.LOWER_RESULTS_IGNORED,) if below else (Reason.FOREIGN_RESULTS_IGNORED,)
    return results, reasons


def aligned(domain: str, from_domain: str, platform_domains: Sequence[str] = ()) -> bool:
    """Relaxed alignment: the same domain, one under the other (both with a dot), or both
    mail domains of the same platform (``platform_domains``: the From's platform's)."""
    domain, from_domain = normalise_domain(domain), normalise_domain(from_domain)
    if not domain or not from_domain or "." not in domain:
        return False
    if _within(from_domain, domain) or _within(domain, from_domain):
        return True
    mine = [normalise_domain(d) for d in platform_domains]
    return any(_within(domain, d) for d in mine) and any(_within(from_domain, d) for d in mine)


_PASSING = {"pass"}
_FAILING = {"fail", "permerror", "hardfail"}


def authentication(
    results: Sequence[MethodResult],
    from_domain: str,
    platform_domains: Sequence[str] = (),
    ignored: tuple[Reason, ...] = (),
) -> Authentication:
    """The verdict of our server's results for a mail from ``from_domain``. DMARC decides
    when present; else an aligned DKIM or SPF pass passes and an aligned failure fails."""
    reasons = list(ignored)
    for r in results:
        if r.method == "dmarc" and r.properties.get("header.from", from_domain) == from_domain:
            if r.result in _PASSING:
                return Authentication(AuthResult.PASS, "dmarc", (*reasons, Reason.AUTH_PASS))
            if r.result in _FAILING:
                return Authentication(AuthResult.FAIL, "dmarc", (*reasons, Reason.AUTH_FAIL))
    failed = ""
    for method, key in (("dkim", "header.d"), ("spf", "smtp.mailfrom")):
        for r in (r for r in results if r.method == method):
            domain = r.properties.get(key, "")
            domain = domain_of(domain) if "@" in domain else domain
            if not aligned(domain, from_domain, platform_domains):
                if r.result in _PASSING | _FAILING and Reason.NOT_ALIGNED not in reasons:
                    reasons.append(Reason.NOT_ALIGNED)
                continue
            if r.result in _PASSING:
                return Authentication(AuthResult.PASS, method, (*reasons, Reason.AUTH_PASS))
            if r.result in _FAILING:
                failed = failed or method
    if failed:
        return Authentication(AuthResult.FAIL, failed, (*reasons, Reason.AUTH_FAIL))
    return Authentication(AuthResult.NONE, "", (*reasons, Reason.AUTH_NONE))


DnsFunc = Callable[..., bytes | None]
MAX_SIGNATURES = 5


def verify_dkim(
    raw: bytes,
    from_domain: str,
    platform_domains: Sequence[str] = (),
    dnsfunc: DnsFunc | None = None,
) -> Authentication:
    """Verify the mail's DKIM signatures here (dkimpy). Pass: one aligned signature
    verifies. Fail: an aligned signature is there but none verifies. None: no aligned one."""
    import dkim

    try:
        checker = dkim.DKIM(raw, minkey=1024)
        signatures = [v for n, v in checker.headers if n.lower() == b"dkim-signature"]
    except Exception:
        # Hostile or broken mail must still be archived: it is simply not authenticated.
        return Authentication(AuthResult.NONE, "", (Reason.DKIM_UNREADABLE, Reason.AUTH_NONE))
    reasons: list[Reason] = []
    verdict = AuthResult.NONE
    for index, value in enumerate(signatures[:MAX_SIGNATURES]):
        try:
            domain = dkim.util.parse_tag_value(value).get(b"d", b"").decode("ascii", "replace")
        except Exception:
            reasons.append(Reason.DKIM_UNREADABLE)
            continue
        if not aligned(domain, from_domain, platform_domains):
            if Reason.NOT_ALIGNED not in reasons:
                reasons.append(Reason.NOT_ALIGNED)
            continue
        try:
            kwargs = {"dnsfunc": dnsfunc} if dnsfunc is not None else {}
            valid = checker.verify(idx=index, **kwargs)
        except Exception:
            valid = False
        if valid:
            return Authentication(AuthResult.PASS, "dkim-local", (*reasons, Reason.AUTH_PASS))
        verdict = AuthResult.FAIL
    if verdict == AuthResult.FAIL:
        return Authentication(AuthResult.FAIL, "dkim-local", (*reasons, Reason.AUTH_FAIL))
    return Authentication(AuthResult.NONE, "", (*reasons, Reason.AUTH_NONE))


def combine(server: Authentication, local: Authentication | None) -> Authentication:
    """Our server's verdict and our own DKIM check: a DMARC failure stands; else a pass
    wins, then a failure, then none."""
    if local is None:
        return server
    if server.result == AuthResult.FAIL and server.method == "dmarc":
        return server
    for wanted in (AuthResult.PASS, AuthResult.FAIL):
        for verdict in (server, local):
            if verdict.result == wanted:
                extra = tuple(
                    r
                    for r in (*server.reasons, *local.reasons)
                    if r not in (Reason.AUTH_PASS, Reason.AUTH_FAIL, Reason.AUTH_NONE)
                )
                return Authentication(
                    verdict.result, verdict.method, (*dict.fromkeys(extra), verdict.reasons[-1])
                )
    return server


# --- the decision ------------------------------------------------------------------------

REPORT_KINDS = frozenset({"bounce", "delivery_report"})


def decide(
    *,
    method: str,
    kind: str,
    sender: Sender,
    auth: Authentication,
    notice_platform: str,
    our_id_in_report: bool = False,
    ticket_platform: str = "",
    link_reasons: Sequence[Reason] = (),
) -> Verdict:
    """May this mail change its notice by itself? ``method`` is how it was matched
    (``MatchMethod`` values); ``notice_platform`` the slug of the matched notice's platform
    (empty without a notice)."""
    if method == "unmatched":
        return Verdict(LinkStrength.NONE, False, tuple(dict.fromkeys(link_reasons)))
    reasons: list[Reason] = list(link_reasons)
    strong = _strong_evidence(method, sender, auth, ticket_platform, reasons)
    if not notice_platform:
        reasons.append(Reason.NO_NOTICE)
        strong = False
    blocking = _sender_problems(method, kind, sender, auth, notice_platform, our_id_in_report)
    reasons.extend(blocking)
    acts = strong and not blocking
    strength = LinkStrength.STRONG if acts else LinkStrength.WEAK
    return Verdict(strength, acts, tuple(dict.fromkeys(reasons)))


def _strong_evidence(
    method: str, sender: Sender, auth: Authentication, ticket_platform: str, reasons: list[Reason]
) -> bool:
    if method == "own_message_id":
        own = sender.kind == SenderKind.OWN
        reasons.append(Reason.OUR_COPY if own else Reason.OUR_ID_FROM_STRANGER)
        return own
    if method == "thread":
        reasons.append(Reason.OUR_ID_IN_THREAD)
        return True
    if method == "report":
        reasons.append(Reason.OUR_ID_IN_REPORT)
        return True
    if method == "platform_reference":
        # A ticket number is no secret like our Message-ID: it counts only from the
        # platform's own, authenticated mail.
        ok = (
            auth.result == AuthResult.PASS
            and bool(sender.platform)
            and (not ticket_platform or ticket_platform == sender.platform)
        )
        reasons.append(Reason.TICKET_NUMBER if ok else Reason.TICKET_NUMBER_UNAUTHENTICATED)
        return ok
    if method == "manual":
        reasons.append(Reason.ATTACHED_BY_HAND)
    return False


def _sender_problems(
    method: str,
    kind: str,
    sender: Sender,
    auth: Authentication,
    notice_platform: str,
    our_id_in_report: bool,
) -> list[Reason]:
    problems: list[Reason] = []
    if auth.result == AuthResult.FAIL:
        problems.append(Reason.AUTH_FAIL)
    if sender.kind == SenderKind.LOOKALIKE:
        problems.extend(r for r in sender.reasons if r in LOOKALIKE)
    if method == "own_message_id":
        return problems
    if kind in REPORT_KINDS:
        # A delivery report comes from a mail server, not the platform: it must carry our
        # Message-ID in the returned original and come from a mail system.
        if not our_id_in_report:
            problems.append(Reason.REPORT_WITHOUT_OUR_ORIGINAL)
        from_system = sender.kind == SenderKind.MAIL_SYSTEM or sender.null_return_path
        if not from_system and not _from_platform(sender, notice_platform):
            problems.append(Reason.REPORT_NOT_FROM_MAIL_SYSTEM)
        return problems
    if not _from_platform(sender, notice_platform):
        if sender.platform:
            problems.append(Reason.OTHER_PLATFORM)
        problems.append(Reason.NOT_THE_NOTICES_PLATFORM)
    return problems


def _from_platform(sender: Sender, notice_platform: str) -> bool:
    return sender.kind == SenderKind.PLATFORM and sender.platform == notice_platform
