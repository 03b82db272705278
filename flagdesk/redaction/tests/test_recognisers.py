# SPDX-License-Identifier: EUPL-1.2
"""Each recogniser, one case at a time: what it must find and what it must leave alone."""

from __future__ import annotations

import pytest

from flagdesk.redaction.engine import Finding, OrganisationProfile, detect
from flagdesk.redaction.recognisers import bsn_valid, iban_valid, is_generic_mailbox, phone_kind

PROFILE = OrganisationProfile(
    name="Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    domains=("minbzk.nl", "rijksoverheid.nl"),
    address_lines=("Turfmarkt 147", "2511 DP Den Haag", "Postbus 20011"),
    public_handles=("@minbzk", "@Kiesraad"),
)


def found(text: str, **kwargs: object) -> list[str]:
    findings: list[Finding] = detect(text, profile=PROFILE, **kwargs)  # type: ignore[arg-type]
    return [f.text for f in findings if f.default_accept]


def categories(text: str) -> list[str]:
    return [f.category for f in detect(text, profile=PROFILE) if f.default_accept]


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Het signaal kwam van Jan de Vries gisteren.", "Jan de Vries"),
        ("Contact: J.P. van der Berg, afdeling communicatie.", "J.P. van der Berg"),
        ("Zij sprak met mevrouw Kloosterhuis over het bericht.", "Kloosterhuis"),
        ("Gesproken met dhr. A. Tjepkema van de gemeente.", "A. Tjepkema"),
        ("We met Emily Carter from the policy team.", "Emily Carter"),
        ("Please ask Mr. O'Brien to confirm.", "O'Brien"),
        ("Het verslag van Lotte Hoogendoorn-Lelie volgt.", "Lotte Hoogendoorn-Lelie"),
    ],
)
def test_a_full_name_is_found(text: str, name: str) -> None:
    assert name in found(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dear Zorblax,\n\nThanks for the quick reply.", "Zorblax"),
        ("Beste Wieteke,\n\nDank voor je bericht.", "Wieteke"),
        ("Kind regards,\n\nQuillon Varnet\n", "Quillon Varnet"),
        ("Met vriendelijke groet,\n\nT. Brandsma-Okkerse\nAdviseur", "T. Brandsma-Okkerse"),
        ("Van: Voskuilen, Arnoud <a.voskuilen@minbzk.nl>\n", "Voskuilen"),
        ("On Wed 22 Nov 2023 at 14:43 Quillon Varnet <qv@minbzk.nl> wrote:", "Quillon Varnet"),
        ("Thanks, Marisol\n", "Marisol"),
    ],
)
def test_a_name_is_found_by_its_position(text: str, name: str) -> None:
    assert any(name in finding for finding in found(text))


def test_a_first_name_alone_is_found_once_the_full_name_is_known() -> None:
    text = "Kind regards,\nQuillon Varnet\n\nLater that day Quillon called again; Varnet agreed."
    assert found(text) == ["Quillon Varnet", "Quillon", "Varnet"]


def test_a_listed_first_name_alone_is_found() -> None:
    assert found("Pieter heeft de melder doorverwezen.") == ["Pieter"]


def test_dutch_and_english_greetings_to_several_people() -> None:
    assert found("Dear Anna and Peter,\n") == ["Anna", "Peter"]
    assert found("Beste Sanne en Joost,\n") == ["Sanne", "Joost"]


@pytest.mark.parametrize(
    "text",
    [
        "Dear people at X,\n",
        "Dear Trust & Safety team,\n",
        "Dear Sir or Madam,\n",
        "Kind regards,\n\nDemocracy and Governance Division\n",
        "Ministry of the Interior and Kingdom Relations",
        "GroenLinks/PvdA is a combined list; VVD and NSC are not.",
        "De verkiezing voor de Tweede Kamer vindt plaats in Den Haag.",
        "X's civic integrity policy applies to the Parliamentary Elections.",
        "Van: Verkiezingen BZK <verkiezingen@minbzk.nl>\n",
        "From: TikTok Trust & Safety <trustandsafety@tiktok.com>\n",
        "Meta, Google, TikTok en Snapchat kennen de status ook.",
        "Will you check it? Mark the message as urgent.",
    ],
)
def test_organisations_and_ordinary_words_are_not_names(text: str) -> None:
    assert found(text) == []


# ----------------------------------------------------------------------------- e-mail


def test_an_organisation_address_loses_only_its_local_part() -> None:
    assert found("Mail s.devries@minbzk.nl of e.carter@twitter.com") == [
        "s.devries",
        "e.carter",
    ]


@pytest.mark.parametrize(
    "address",
    ["anna.jansen@gmail.com", "pietje1972@hotmail.com", "fam.deboer@ziggo.nl", "jan@devries.nl"],
)
def test_a_private_address_goes_whole(address: str) -> None:
    assert found(f"Stuur het naar {address} graag.") == [address]


@pytest.mark.parametrize(
    "address",
    [
        "info@gemeente-zuidhaven.nl",
        "verkiezingen@minbzk.nl",
        "noreply@x.com",
        "postmaster@rijksoverheid.nl",
        "trustandsafety@tiktok.com",
        "team.verkiezingen2023@zuidhaven.nl",
    ],
)
def test_generic_mailboxes_are_kept(address: str) -> None:
    assert found(f"Zie {address} voor vragen.") == []
    assert is_generic_mailbox(address.split("@")[0])


# ----------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "06 12 34 56 78",
        "+31 6 12345678",
        "+31 (0)6 1234 5678",
        "0031612345678",
        "070-1234567",
        "(070) 123 45 67",
        "030 286 1234",
        "+31 70 123 4567",
        "+44 20 7946 0321",
        "+1 415 555 0134",
    ],
)
def test_phone_numbers_are_found(number: str) -> None:
    assert found(f"Bel {number} vandaag.") == [number]


@pytest.mark.parametrize(
    "text",
    [
        "De verkiezing is op 22-11-2023 om 07:30.",
        "Kamerstukken II, 2023-2024, 35 165, nr. 61.",
        "Zie https://x.com/a/status/1727350000000000001 voor het bericht.",
        "Postbus 20011 | 2500 EA Den Haag",
        "Algemene vragen: 0900-8844.",
    ],
)
def test_numbers_that_are_not_phones_are_left(text: str) -> None:
    assert "phone" not in categories(text)


def test_service_numbers_are_proposed_but_not_redacted_by_default() -> None:
    assert phone_kind("0800-1234") == "service"
    assert phone_kind("088 123 4567") == "service"
    assert phone_kind("06-1234567") is None


# ----------------------------------------------------------------------------- handles


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("Het account @kees_stemt deelde het bericht.", "@kees_stemt"),
        ("See https://twitter.com/kees_stemt/status/1727350000000000001", "kees_stemt"),
        ("See x.com/kees_stemt for more.", "kees_stemt"),
        ("Video: https://www.tiktok.com/@stembusjan/video/7304411122233344455", "@stembusjan"),
        ("Profiel: https://www.instagram.com/patriotpiet/", "patriotpiet"),
        ("https://www.linkedin.com/in/annadevries-123", "annadevries-123"),
    ],
)
def test_handles_are_found_also_inside_urls(text: str, handle: str) -> None:
    assert found(text) == [handle]


def test_the_url_around_a_handle_stays() -> None:
    text = "https://twitter.com/kees_stemt/status/1727350000000000001"
    redacted = next(f for f in detect(text) if f.category == "handle")
    assert text[: redacted.start] == "https://twitter.com/"
    assert text[redacted.end :] == "/status/1727350000000000001"


@pytest.mark.parametrize(
    "text",
    [
        "Volg @minbzk en @Kiesraad voor uitleg.",
        "Zie ook @NOS en https://x.com/XSafety.",
        "De gemeente twittert als @GemeenteZuidhaven.",
        "https://twitter.com/i/status/1727350000000000001 and https://x.com/search?q=stem",
        "Mail to jan@minbzk.nl is not a handle",
    ],
)
def test_public_handles_and_non_handles_are_kept(text: str) -> None:
    assert "handle" not in categories(text)


# ----------------------------------------------------------------------------- addresses


def test_a_private_address_is_found() -> None:
    text = "Melder woont op Kerkstraat 12, 1234 AB Dwingeloo."
    assert found(text) == ["Kerkstraat 12", "1234 AB Dwingeloo"]


def test_an_address_in_brackets_is_found() -> None:
    text = "Mevrouw G. Pronk (Esdoornlaan 4, 7702 HK Oostmeer) belde."
    assert found(text) == ["G. Pronk", "Esdoornlaan 4", "7702 HK Oostmeer"]


def test_a_multi_word_street_and_a_place_with_joining_words() -> None:
    text = "Adres: Laan van Meerdervoort 1045, 2564 AZ Alphen aan den Rijn"
    assert found(text) == ["Laan van Meerdervoort 1045", "2564 AZ Alphen aan den Rijn"]


def test_an_english_address_is_found() -> None:
    assert found("She lives at 14 Elm Grove Road, London NW1 6XE.") == [
        "14 Elm Grove Road",
        "NW1 6XE",
    ]


def test_the_organisations_own_address_is_kept() -> None:
    text = "Ministry of the Interior\nTurfmarkt 147 | 2511 DP Den Haag | Postbus 20011"
    assert found(text) == []


def test_another_organisations_address_is_proposed_but_not_redacted_by_default() -> None:
    text = "Gemeente Zuidhaven\nStadhuisplein 1 | 4811 AB Zuidhaven"
    findings = detect(text, profile=PROFILE)
    assert [f.category for f in findings] == ["address", "address"]
    assert not any(f.default_accept for f in findings)


def test_dates_are_not_street_numbers() -> None:
    assert found("On Wed 22 Nov 2023 at 14:43") == []


# ----------------------------------------------------------------------------- numbers


def test_bsn_must_pass_the_eleven_proof() -> None:
    assert bsn_valid("111222333") and bsn_valid("123456782")
    assert not bsn_valid("123456789") and not bsn_valid("000000000")
    assert found("BSN 123456782") == ["123456782"]
    assert found("BSN 1234.56.782") == ["1234.56.782"]
    assert found("Zaaknummer 123456789") == []


def test_a_bsn_gets_the_identification_number_ground() -> None:
    (finding,) = detect("BSN 123456782")
    assert finding.ground == "5.1.1e"


def test_iban_must_pass_mod_97() -> None:
    assert iban_valid("NL91ABNA0417164300")
    assert not iban_valid("NL91ABNA0417164301")
    assert found("Maak over op NL91 ABNA 0417 1643 00 graag.") == ["NL91 ABNA 0417 1643 00"]
    assert found("Rekening NL91ABNA0417164301") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("De melder, geboren op 14-03-1961, belde.", "14-03-1961"),
        ("Geboortedatum: 1 april 1975", "1 april 1975"),
        ("She was born on 2 February 1958 in Leeds.", "2 February 1958"),
        ("DOB: 1988-07-23", "1988-07-23"),
        ("(geb. 03/11/1990)", "03/11/1990"),
    ],
)
def test_a_birth_date_is_found_by_its_cue(text: str, date: str) -> None:
    assert found(text) == [date]


def test_ordinary_dates_stay() -> None:
    assert found("De Tweede Kamerverkiezing van 22 november 2023 en 29-10-2025.") == []


@pytest.mark.parametrize("plate", ["12-ABC-3", "GB-12-TX", "4-KRT-56", "XS-471-P", "99-XX-99"])
def test_licence_plates_by_sidecode(plate: str) -> None:
    assert found(f"Een busje met kenteken {plate} reed rond.") == [plate]


def test_things_that_look_like_plates_but_are_not() -> None:
    assert found("Zaak FD-2023-0001 en artikel 5.1.2e, GL-PvdA.") == []
