# SPDX-License-Identifier: EUPL-1.2
"""The trust rules for inbound mail, case by case (pure functions, no database)."""

from __future__ import annotations

import pytest

from flagdesk.mailarchive import trust
from flagdesk.mailarchive.trust import AuthResult, LinkStrength, Reason, SenderKind

PLATFORMS = {
    "meta": ["facebook.com", "facebookmail.com", "meta.com", "support.facebook.com"],
    "google": ["google.com", "youtube.com"],
    "x": ["x.com", "twitter.com"],
    "tiktok": ["tiktok.com", "bytedance.com"],
    "snapchat": ["snapchat.com", "snap.com"],
}
OWN = ["minbzk.nl"]
OUR_MX = "mx.minbzk.nl"


# --- lookalikes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        ("meta-support-desk.example", Reason.LOOKALIKE_BRAND),
        ("x-support-escalations.example", Reason.LOOKALIKE_BRAND),
        ("evil-facebook.com", Reason.LOOKALIKE_BRAND),
        ("facebookmail-security.net", Reason.LOOKALIKE_BRAND),
        ("youtube-partners.help", Reason.LOOKALIKE_BRAND),
        ("tiktok.support", Reason.LOOKALIKE_BRAND),
        ("snap-trust.example", Reason.LOOKALIKE_BRAND),
        ("facebook.com.evil.example", Reason.LOOKALIKE_EMBEDDED),
        ("x.com.evil.example", Reason.LOOKALIKE_EMBEDDED),
        ("twitter.com-support.example", Reason.LOOKALIKE_EMBEDDED),
        ("twiter.com", Reason.LOOKALIKE_EDIT_DISTANCE),
        ("tiktoc.com", Reason.LOOKALIKE_EDIT_DISTANCE),
        ("gooogle.net", Reason.LOOKALIKE_EDIT_DISTANCE),
        ("snapchatt.com", Reason.LOOKALIKE_EDIT_DISTANCE),
        ("faceb00k.com", Reason.LOOKALIKE_HOMOGLYPH),
        ("twitter.corn", Reason.LOOKALIKE_HOMOGLYPH),  # rn reads as m
        ("xn--twtter-qvf.com", Reason.LOOKALIKE_HOMOGLYPH),  # twіtter, Cyrillic і
        ("twіtter.com", Reason.LOOKALIKE_HOMOGLYPH),  # the same, as Unicode
        ("xn--fcebook-8va.com", Reason.LOOKALIKE_HOMOGLYPH),  # fаcebook, Cyrillic а
        ("yоutube.com", Reason.LOOKALIKE_HOMOGLYPH),  # Cyrillic о
    ],
)
def test_a_lookalike_is_named_with_its_reason(domain: str, reason: Reason) -> None:
    assert reason in trust.lookalike_reasons(domain, PLATFORMS)


@pytest.mark.parametrize(
    "domain",
    [
        "x.com",
        "support.facebook.com",  # a subdomain of a platform's domain is the platform's
        "mail.tiktok.com",
        "minbzk.nl",
        "nos.nl",
        "metadata.org",  # "meta" only as a whole word
        "snapshot.debian.org",
        "example.meta",  # a TLD is no brand
        "gmail.com",
        "xs4all.nl",
        "",
    ],
)
def test_an_ordinary_domain_is_no_lookalike(domain: str) -> None:
    assert trust.lookalike_reasons(domain, PLATFORMS) == ()


def test_fullwidth_letters_are_the_domain_itself() -> None:
    # IDNA maps them to ASCII: mail "from" it is mail from facebook.com, authenticated as such.
    assert trust.normalise_domain("ｆａｃｅｂｏｏｋ.com") == "facebook.com"


def test_brand_tokens_come_from_the_registry_too() -> None:
    platforms = {**PLATFORMS, "bluesky": ["bsky.app", "blueskyweb.xyz"]}
    assert Reason.LOOKALIKE_BRAND in trust.lookalike_reasons("bsky-support.example", platforms)
    assert trust.lookalike_reasons("bsky-support.example", PLATFORMS) == ()


# --- the sender ---------------------------------------------------------------------------


def sender(address: str, **kwargs: object) -> trust.Sender:
    return trust.assess_sender(address, platforms=PLATFORMS, own_domains=OWN, **kwargs)  # type: ignore[arg-type]


def test_a_platform_sender_and_its_subdomains() -> None:
    assert (sender("a@x.com").kind, sender("a@x.com").platform) == (SenderKind.PLATFORM, "x")
    found = sender("notification@support.FACEBOOK.com.")
    assert (found.kind, found.platform, found.domain) == (
        SenderKind.PLATFORM,
        "meta",
        "support.facebook.com",
    )


def test_mail_systems_and_our_own_domain() -> None:
    assert sender("MAILER-DAEMON@mta.example").kind == SenderKind.MAIL_SYSTEM
    assert sender("postmaster@minbzk.nl").kind == SenderKind.MAIL_SYSTEM
    assert sender("trustedflagger@minbzk.nl").kind == SenderKind.OWN


def test_a_stranger_and_a_lookalike() -> None:
    assert sender("random@attacker.example").reasons == (Reason.NOT_A_PLATFORM_DOMAIN,)
    lookalike = sender("help@meta-support-desk.example")
    assert lookalike.kind == SenderKind.LOOKALIKE
    assert Reason.LOOKALIKE_BRAND in lookalike.reasons


def test_a_lookalike_envelope_sender_makes_a_lookalike() -> None:
    found = sender("a@x.com", return_path="<bounce@x-support-mail.example>")
    assert found.kind == SenderKind.LOOKALIKE
    assert Reason.LOOKALIKE_RETURN_PATH in found.reasons


def test_an_envelope_of_a_mail_service_is_noted_not_blocking() -> None:
    found = sender("a@x.com", return_path="<0100@amazonses.com>")
    assert found.kind == SenderKind.PLATFORM
    assert Reason.RETURN_PATH_OTHER_DOMAIN in found.reasons
    same = sender("a@facebookmail.com", return_path="<b@support.facebook.com>")
    assert Reason.RETURN_PATH_OTHER_DOMAIN not in same.reasons


def test_a_null_envelope_and_a_brand_in_the_display_name() -> None:
    assert sender("a@mta.example", return_path="<>").null_return_path
    found = sender("a@attacker.example", from_name="Meta Trust & Safety")
    assert Reason.BRAND_IN_DISPLAY_NAME in found.reasons


def test_no_sender_address() -> None:
    assert sender("").reasons == (Reason.NO_SENDER,)


# --- Authentication-Results ----------------------------------------------------------------


def fields(*headers: str) -> list[tuple[str, str]]:
    raw = ("\n".join(headers) + "\nFrom: a@x.com\n\nbody\n").encode()
    return trust.header_fields(raw)


def test_results_are_parsed_without_comments() -> None:
    authserv_id, results = trust.parse_authentication_results(
        "mx.minbzk.nl 1; dkim=pass (2048-bit key; unprotected) header.d=x.com header.s=s1;"
        ' spf=pass (sender ok) smtp.mailfrom="bounce@x.com"; dmarc=pass header.from=x.com'
    )
    assert authserv_id == "mx.minbzk.nl"
    assert [(r.method, r.result) for r in results] == [
        ("dkim", "pass"),
        ("spf", "pass"),
        ("dmarc", "pass"),
    ]
    assert results[0].properties["header.d"] == "x.com"
    assert results[1].properties["smtp.mailfrom"] == "bounce@x.com"


def test_only_our_topmost_results_count() -> None:
    results, reasons = trust.trusted_results(
        fields(f"Authentication-Results: {OUR_MX}; dmarc=pass header.from=x.com"), [OUR_MX]
    )
    assert [r.result for r in results] == ["pass"] and reasons == ()


def test_ours_further_down_is_ignored() -> None:
    results, reasons = trust.trusted_results(
        fields(
            f"Authentication-Results: {OUR_MX}; dmarc=none",
            "Received: from outside by mx.minbzk.nl",
            f"Authentication-Results: {OUR_MX}; dmarc=pass header.from=x.com",
        ),
        [OUR_MX],
    )
    assert [r.result for r in results] == ["none"]
    assert reasons == (Reason.LOWER_RESULTS_IGNORED,)


def test_a_foreign_server_on_top_means_none_are_ours() -> None:
    results, reasons = trust.trusted_results(
        fields(
            "Authentication-Results: mx.attacker.example; dmarc=pass header.from=x.com",
            f"Authentication-Results: {OUR_MX}; dmarc=pass header.from=x.com",
        ),
        [OUR_MX],
    )
    assert results == [] and reasons == (Reason.LOWER_RESULTS_IGNORED,)


def test_several_of_ours_directly_on_top_count() -> None:
    results, _ = trust.trusted_results(
        fields(
            "Received: by imap.minbzk.nl with LMTP",
            f"Authentication-Results: {OUR_MX}; dkim=pass header.d=x.com",
            f"Authentication-Results: {OUR_MX}; spf=pass smtp.mailfrom=x.com",
            "Received: from mail.x.com by mx.minbzk.nl",
        ),
        [OUR_MX],
    )
    assert [r.method for r in results] == ["dkim", "spf"]


def test_without_configured_authserv_ids_nothing_counts() -> None:
    results, reasons = trust.trusted_results(
        fields(f"Authentication-Results: {OUR_MX}; dmarc=pass header.from=x.com"), []
    )
    assert results == [] and reasons == (Reason.FOREIGN_RESULTS_IGNORED,)


def verdict(value: str, from_domain: str = "x.com") -> trust.Authentication:
    _id, results = trust.parse_authentication_results(f"{OUR_MX}; {value}")
    return trust.authentication(results, from_domain, PLATFORMS.get("x", []))


@pytest.mark.parametrize(
    ("value", "result", "method"),
    [
        ("dmarc=pass header.from=x.com", AuthResult.PASS, "dmarc"),
        ("dkim=pass header.d=x.com; dmarc=fail header.from=x.com", AuthResult.FAIL, "dmarc"),
        ("dkim=pass header.d=mail.x.com", AuthResult.PASS, "dkim"),
        ("dkim=pass header.d=twitter.com", AuthResult.PASS, "dkim"),  # the same platform
        ("dkim=pass header.d=attacker.example", AuthResult.NONE, ""),  # not aligned
        ("dkim=fail header.d=x.com", AuthResult.FAIL, "dkim"),
        ("spf=pass smtp.mailfrom=bounces@x.com", AuthResult.PASS, "spf"),
        ("spf=fail smtp.mailfrom=x.com", AuthResult.FAIL, "spf"),
        ("spf=softfail smtp.mailfrom=x.com", AuthResult.NONE, ""),
        ("dkim=fail header.d=esp.example; dkim=pass header.d=x.com", AuthResult.PASS, "dkim"),
        ("dkim=none; spf=none", AuthResult.NONE, ""),
        ("none", AuthResult.NONE, ""),
    ],
)
def test_the_verdict_of_our_servers_results(value: str, result: AuthResult, method: str) -> None:
    found = verdict(value)
    assert (found.result, found.method) == (result, method)


def test_dkim_of_a_platform_does_not_authenticate_another_sender() -> None:
    _id, results = trust.parse_authentication_results(f"{OUR_MX}; dkim=pass header.d=x.com")
    assert trust.authentication(results, "attacker.example").result == AuthResult.NONE


def test_a_dmarc_failure_outweighs_a_local_pass() -> None:
    server = trust.Authentication(AuthResult.FAIL, "dmarc", (Reason.AUTH_FAIL,))
    local = trust.Authentication(AuthResult.PASS, "dkim-local", (Reason.AUTH_PASS,))
    assert trust.combine(server, local).result == AuthResult.FAIL
    none = trust.Authentication(AuthResult.NONE, "", (Reason.AUTH_NONE,))
    assert trust.combine(none, local).method == "dkim-local"


# --- the decision -----------------------------------------------------------------------

PASS = trust.Authentication(AuthResult.PASS, "dmarc", (Reason.AUTH_PASS,))
NONE = trust.Authentication(AuthResult.NONE, "", (Reason.AUTH_NONE,))
FAIL = trust.Authentication(AuthResult.FAIL, "dmarc", (Reason.AUTH_FAIL,))


def decide(
    method: str, address: str, auth: trust.Authentication = NONE, **kw: object
) -> trust.Verdict:
    kind = str(kw.pop("kind", "acknowledgment"))
    return trust.decide(
        method=method,
        kind=kind,
        sender=sender(address, return_path=kw.pop("return_path", None)),  # type: ignore[arg-type]
        auth=auth,
        notice_platform=str(kw.pop("platform", "x")),
        **kw,  # type: ignore[arg-type]
    )


def test_our_message_id_from_the_platform_acts_even_unauthenticated() -> None:
    found = decide("thread", "a@x.com")
    assert (found.link_strength, found.acts) == (LinkStrength.STRONG, True)


@pytest.mark.parametrize(
    ("method", "address", "auth", "reason"),
    [
        ("case_reference", "a@x.com", PASS, None),
        ("case_reference", "random@attacker.example", NONE, Reason.NOT_THE_NOTICES_PLATFORM),
        ("thread", "a@attacker.example", NONE, Reason.NOT_THE_NOTICES_PLATFORM),
        ("thread", "a@facebook.com", PASS, Reason.OTHER_PLATFORM),
        ("thread", "a@x.com", FAIL, Reason.AUTH_FAIL),
        ("thread", "a@x-support.example", PASS, Reason.LOOKALIKE_BRAND),
        ("platform_reference", "a@x.com", NONE, Reason.TICKET_NUMBER_UNAUTHENTICATED),
        ("manual", "a@x.com", PASS, Reason.ATTACHED_BY_HAND),
        ("own_message_id", "a@attacker.example", NONE, Reason.OUR_ID_FROM_STRANGER),
    ],
)
def test_weak_links_do_not_act(
    method: str, address: str, auth: trust.Authentication, reason: Reason | None
) -> None:
    found = decide(method, address, auth, ticket_platform="x")
    assert (found.link_strength, found.acts) == (LinkStrength.WEAK, False)
    if reason is not None:
        assert reason in found.reasons


def test_a_ticket_number_acts_from_the_authenticated_platform_only() -> None:
    assert decide("platform_reference", "a@x.com", PASS, ticket_platform="x").acts
    assert not decide("platform_reference", "a@x.com", PASS, ticket_platform="meta").acts


def test_our_archive_copy() -> None:
    assert decide("own_message_id", "trustedflagger@minbzk.nl", kind="own_copy").acts
    assert not decide("own_message_id", "trustedflagger@minbzk.nl", FAIL, kind="own_copy").acts


def test_a_bounce_acts_from_a_mail_system_with_our_original_only() -> None:
    daemon = "MAILER-DAEMON@mta.example"
    assert decide("report", daemon, kind="bounce", our_id_in_report=True).acts
    no_original = decide("thread", daemon, kind="bounce", our_id_in_report=False)
    assert Reason.REPORT_WITHOUT_OUR_ORIGINAL in no_original.reasons and not no_original.acts
    person = decide("report", "a@attacker.example", kind="bounce", our_id_in_report=True)
    assert Reason.REPORT_NOT_FROM_MAIL_SYSTEM in person.reasons and not person.acts
    null_envelope = decide(
        "report", "a@mta.example", kind="bounce", our_id_in_report=True, return_path="<>"
    )
    assert null_envelope.acts
    lookalike = decide(
        "report", "MAILER-DAEMON@x-support.example", kind="bounce", our_id_in_report=True
    )
    assert not lookalike.acts
    case_only = decide("case_reference", daemon, kind="bounce")
    assert not case_only.acts


def test_a_read_receipt_comes_from_the_platform() -> None:
    assert decide("report", "a@x.com", kind="read_receipt", our_id_in_report=True).acts
    assert not decide("report", "a@attacker.example", kind="read_receipt").acts


def test_unmatched_and_case_without_notice() -> None:
    assert decide("unmatched", "a@x.com").link_strength == LinkStrength.NONE
    no_notice = decide("case_reference", "a@x.com", PASS, platform="")
    assert Reason.NO_NOTICE in no_notice.reasons and not no_notice.acts


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff garbage without headers",
        b"DKIM-Signature: v=1; a=rsa-sha256; d=x.com; b=!!!; bh=\nFrom: a@x.com\n\nhi\n",
        b"DKIM-Signature: not a tag list at all\nFrom: a@x.com\n\nhi\n",
    ],
)
def test_broken_mail_never_breaks_the_dkim_check(raw: bytes) -> None:
    def no_dns(name: bytes, timeout: int = 5) -> bytes | None:
        return None

    found = trust.verify_dkim(raw, "x.com", PLATFORMS["x"], no_dns)
    assert found.result in (AuthResult.NONE, AuthResult.FAIL)


def test_results_below_more_hops_than_ours_came_with_the_mail() -> None:
    # Our MX wrote none; the forger's, with our id, sits below our own two hops.
    headers = fields(
        "Received: by imap.minbzk.nl with LMTP",
        "Received: from mail.attacker.example by mx.minbzk.nl",
        f"Authentication-Results: {OUR_MX}; dmarc=pass header.from=x.com",
    )
    results, reasons = trust.trusted_results(headers, [OUR_MX], max_hops=1)
    assert results == [] and reasons == (Reason.LOWER_RESULTS_IGNORED,)
    trusted, _ = trust.trusted_results(headers[1:], [OUR_MX], max_hops=1)
    assert [r.result for r in trusted] == ["pass"]
