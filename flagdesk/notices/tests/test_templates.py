# SPDX-License-Identifier: EUPL-1.2
"""Notice templates an administrator edits: versions, which template wins, the pages,
audit events, notices already made keep their text, and the operator's command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from flagdesk.accounts.models import User
from flagdesk.assessments.models import Decision
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.notices import compose, service, template_store
from flagdesk.notices.models import Notice, NoticeStatus, NoticeTemplateVersion
from flagdesk.notices.tests.conftest import approved_case

GENERIC = "notices/mail/notice.misinformation.en.txt"
FOR_X = "notices/mail/notice.misinformation.x.en.txt"
LIST = reverse("fd-notice-template-list")
EDIT = reverse("fd-notice-template-edit", args=["notice.misinformation.en.txt"])
OTHER_POST = "https://x.com/kiezer2023/status/1727365099999999999"


def template_events() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="notice_template")
        .order_by("seq")
        .values_list("action", flat=True)
    )


# ------------------------------------------------------------------ render_first


@pytest.mark.django_db
def test_the_file_template_is_used_while_no_version_is_active() -> None:
    rendered = compose.render_body(compose.SAMPLE_FACTS)
    assert rendered.source == "file" and rendered.name == GENERIC and rendered.version is None
    assert "Dear people at X," in rendered.text


def test_an_active_version_wins_over_the_file_of_its_name(dave: User) -> None:
    version = service.save_template_version(GENERIC, "V2 for {{ f.reference }}", "shorter", dave)
    rendered = compose.render_body(compose.SAMPLE_FACTS)
    assert (rendered.source, rendered.version) == ("database", version)
    assert rendered.text == "V2 for FD-2023-0001\n"


def test_an_inactive_version_is_not_used(dave: User) -> None:
    service.save_template_version(GENERIC, "old {{ f.reference }}", "first", dave)
    service.use_file_template(GENERIC, dave)
    assert compose.render_body(compose.SAMPLE_FACTS).source == "file"


def test_a_more_specific_name_wins_whatever_its_source(
    dave: User, tmp_path: Path, settings: Any
) -> None:
    # The generic name has a version in the database; the platform's own file still wins.
    folder = tmp_path / "notices" / "mail"
    folder.mkdir(parents=True)
    (folder / "notice.misinformation.x.en.txt").write_text("X file {{ f.reference }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    service.save_template_version(GENERIC, "generic db", "note", dave)
    assert compose.render_body(compose.SAMPLE_FACTS).text == "X file FD-2023-0001\n"
    # ... and a version for the platform's name (no file needed) wins over both.
    service.save_template_version(FOR_X, "X db {{ f.platform_name }}", "note", dave)
    rendered = compose.render_body(compose.SAMPLE_FACTS)
    assert (rendered.text, rendered.name) == ("X db X\n", FOR_X)


def test_the_file_list_finds_the_shipped_templates() -> None:
    assert GENERIC in template_store.file_names()
    assert "Dear people at" in (template_store.file_text(GENERIC) or "")


# ------------------------------------------------------------------- versioning


def test_each_save_is_a_new_version_and_the_history_is_kept(dave: User) -> None:
    one = service.save_template_version(GENERIC, "one", "first", dave)
    two = service.save_template_version(GENERIC, "two", "second", dave)
    assert (one.version, two.version) == (1, 2)
    one.refresh_from_db()
    assert not one.active and two.active and one.text == "one"
    assert NoticeTemplateVersion.objects.filter(name=GENERIC, active=True).count() == 1


def test_a_version_is_never_changed_in_place(dave: User) -> None:
    version = service.save_template_version(GENERIC, "one", "first", dave)
    version.text = "rewritten history"
    with pytest.raises(ValueError, match="never changed"):
        version.save()


def test_revert_activates_an_older_version_and_back_to_the_file(dave: User) -> None:
    one = service.save_template_version(GENERIC, "one", "first", dave)
    service.save_template_version(GENERIC, "two", "second", dave)
    service.activate_template_version(one, dave)
    assert compose.body_for(compose.SAMPLE_FACTS) == "one\n"
    service.use_file_template(GENERIC, dave)
    assert not NoticeTemplateVersion.objects.filter(name=GENERIC, active=True).exists()
    assert NoticeTemplateVersion.objects.filter(name=GENERIC).count() == 2
    with pytest.raises(service.TemplateError):
        service.use_file_template(GENERIC, dave)  # already the file


def test_a_save_needs_a_note_and_a_template_name(dave: User) -> None:
    with translation.override("en"):
        with pytest.raises(service.TemplateError, match="note"):
            service.save_template_version(GENERIC, "text", "  ", dave)
        with pytest.raises(service.TemplateError, match="name"):
            service.save_template_version("core/base.html", "text", "note", dave)
    assert not NoticeTemplateVersion.objects.exists()


def test_every_change_writes_an_audit_event(dave: User) -> None:
    one = service.save_template_version(GENERIC, "one {{ f.reference }}", "first", dave)
    service.save_template_version(GENERIC, "two", "second", dave)
    service.activate_template_version(one, dave)
    service.use_file_template(GENERIC, dave)
    assert template_events() == [
        "notice_template_saved",
        "notice_template_saved",
        "notice_template_activated",
        "notice_template_file_restored",
    ]
    saved = AuditEvent.objects.filter(action="notice_template_saved").order_by("seq").first()
    assert saved is not None and saved.actor_id == dave.pk
    assert saved.after["text"] == "one {{ f.reference }}" and saved.after["version"] == 1
    activated = AuditEvent.objects.get(action="notice_template_activated")
    assert (activated.before, activated.after["active_version"]) == ({"active_version": 2}, 1)


def test_other_roles_may_not_change_templates(alice: User, bob: User, carol: User) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (alice, bob, carol):
        with pytest.raises(PermissionDenied):
            service.save_template_version(GENERIC, "text", "note", user)
        with pytest.raises(PermissionDenied):
            service.use_file_template(GENERIC, user)
    assert not NoticeTemplateVersion.objects.exists()


# ---------------------------------------------- notices already made keep their text


def test_a_change_never_alters_a_frozen_notice_or_a_draft(
    draft: Notice, alice: User, bob: User, dave: User, tk2023: Election
) -> None:
    service.send(draft, alice)
    frozen = Notice.objects.get(pk=draft.pk)
    assert frozen.status == NoticeStatus.FROZEN and frozen.template_version is None
    raw, sha, body = bytes(frozen.raw or b""), frozen.raw_sha256, frozen.body
    second = Notice.objects.get(case=approved_case(tk2023, alice, bob, url=OTHER_POST))
    second_body = second.body

    version = service.save_template_version(GENERIC, "NEW TEXT {{ f.reference }}", "new", dave)

    frozen.refresh_from_db()
    second.refresh_from_db()
    assert (bytes(frozen.raw or b""), frozen.raw_sha256, frozen.body) == (raw, sha, body)
    assert second.body == second_body and "NEW TEXT" not in second.body
    assert second.status == NoticeStatus.DRAFT and second.template_version is None
    # The next notice is made from the new version, and says so.
    third_case = approved_case(tk2023, alice, bob, url=OTHER_POST.replace("99999", "88888"))
    third = Notice.objects.get(case=third_case)
    assert third.body == f"NEW TEXT {third_case.reference}\n"
    assert (third.template_name, third.template_version) == (GENERIC, version)


def test_the_notice_shows_which_template_made_it(draft: Notice, alice: User, dave: User) -> None:
    page = in_english(verified_client(alice)).get(
        reverse("fd-case-detail", kwargs={"reference": draft.case.reference})
    )
    html = page.content.decode()
    assert (
        "Made from template" in html
        and "notice.misinformation.en.txt" in html
        and "file template" in html
    )


# ------------------------------------------------------------------------- pages


def test_the_list_shows_file_templates_and_versions(dave: User) -> None:
    service.save_template_version(FOR_X, "X {{ f.reference }}", "for X", dave)
    html = in_english(verified_client(dave)).get(LIST).content.decode()
    assert "notice.misinformation.en.txt" in html and "notice.misinformation.x.en.txt" in html
    assert "file template" in html and "version 1" in html


def test_an_admin_saves_a_version_in_the_editor(dave: User) -> None:
    client = in_english(verified_client(dave))
    response = client.post(
        EDIT, {"text": "Hi {{ f.platform_name }}", "note": "greeting", "action": "save"}
    )
    assert response.status_code == 302
    version = NoticeTemplateVersion.objects.get(name=GENERIC)
    assert (version.version, version.note, version.created_by, version.active) == (
        1,
        "greeting",
        dave,
        True,
    )
    html = client.get(EDIT).content.decode()
    assert "In use: version 1." in html and "greeting" in html


def test_a_syntax_error_is_shown_at_save_and_nothing_is_stored(dave: User) -> None:
    client = in_english(verified_client(dave))
    response = client.post(
        EDIT, {"text": "{% if f.reference %}unclosed", "note": "x", "action": "save"}
    )
    assert response.status_code == 200
    assert "The template was not saved" in response.content.decode()
    assert not NoticeTemplateVersion.objects.exists() and template_events() == []


def test_a_save_warns_about_names_that_are_not_facts(dave: User) -> None:
    client = in_english(verified_client(dave))
    response = client.post(
        EDIT, {"text": "{{ f.referense }}", "note": "typo", "action": "save"}, follow=True
    )
    assert (
        "not facts of a notice" in response.content.decode()
        and "f.referense" in response.content.decode()
    )


def test_the_preview_uses_a_real_case_and_makes_nothing(draft: Notice, dave: User) -> None:
    decision = Decision.objects.get(case=draft.case)
    counts = (
        Notice.objects.count(),
        AuditEvent.objects.count(),
        NoticeTemplateVersion.objects.count(),
    )
    response = in_english(verified_client(dave)).post(
        EDIT,
        {
            "text": "Case {{ f.reference }} on {{ f.platform_name }}:\n{% for u in f.urls %}{{ u }}\n{% endfor %}{{ f.nope }}",
            "decision": str(decision.pk),
            "action": "preview",
        },
    )
    html = response.content.decode()
    assert f"Case {draft.case.reference} on X:" in html
    assert "https://x.com/kiezer2023/status/1727365011111111111" in html
    assert "f.nope" in html  # the missing name is named
    assert counts == (
        Notice.objects.count(),
        AuditEvent.objects.count(),
        NoticeTemplateVersion.objects.count(),
    )


def test_the_preview_asks_for_a_case(dave: User) -> None:
    response = in_english(verified_client(dave)).post(EDIT, {"text": "x", "action": "preview"})
    assert "Choose a case" in response.content.decode()


def test_a_version_page_shows_the_diff_and_reverts(dave: User) -> None:
    service.save_template_version(GENERIC, "line one\nline two\n", "first", dave)
    service.save_template_version(GENERIC, "line one\nline 2\n", "second", dave)
    client = in_english(verified_client(dave))
    html = client.get(
        reverse("fd-notice-template-version", args=["notice.misinformation.en.txt", 2])
    ).content.decode()
    assert '<span class="diff-del">-line two</span>' in html
    assert '<span class="diff-add">+line 2</span>' in html
    first = reverse("fd-notice-template-version", args=["notice.misinformation.en.txt", 1])
    assert "diff-del" in client.get(first).content.decode()  # against the file
    client.post(reverse("fd-notice-template-activate", args=["notice.misinformation.en.txt", 1]))
    assert NoticeTemplateVersion.objects.get(active=True).version == 1
    client.post(reverse("fd-notice-template-use-file", args=["notice.misinformation.en.txt"]))
    assert not NoticeTemplateVersion.objects.filter(active=True).exists()
    assert template_events()[-2:] == ["notice_template_activated", "notice_template_file_restored"]


def test_a_name_outside_the_notice_templates_is_not_found(dave: User) -> None:
    client = verified_client(dave)
    assert client.get(reverse("fd-notice-template-edit", args=["base.html"])).status_code == 404


@pytest.mark.parametrize("persona", ["carol", "alice", "bob"])
def test_other_roles_get_403_and_no_menu_item(
    persona: str, dave: User, request: pytest.FixtureRequest
) -> None:
    service.save_template_version(GENERIC, "one", "first", dave)
    client = verified_client(request.getfixturevalue(persona))
    for url in (
        LIST,
        EDIT,
        reverse("fd-notice-template-version", args=["notice.misinformation.en.txt", 1]),
    ):
        assert client.get(url).status_code == 403
    posts = (
        (EDIT, {"text": "hijacked", "note": "x", "action": "save"}),
        (reverse("fd-notice-template-activate", args=["notice.misinformation.en.txt", 1]), {}),
        (reverse("fd-notice-template-use-file", args=["notice.misinformation.en.txt"]), {}),
    )
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    assert NoticeTemplateVersion.objects.get().text == "one"
    assert LIST not in client.get(reverse("fd-dashboard")).content.decode()


# ------------------------------------------------------------------ command line


def test_the_command_line_lists_shows_exports_and_imports(
    tmp_path: Path, capsys: Any, db: Any
) -> None:
    call_command("notices", "template", "list")
    assert f"{GENERIC}\tfile\t0 version(s)" in capsys.readouterr().out
    call_command("notices", "template", "export", str(tmp_path / "out"))
    exported = tmp_path / "out" / "notice.misinformation.en.txt"
    assert exported.read_text() == template_store.file_text(GENERIC)
    exported.write_text("Imported {{ f.reference }}\n")
    call_command("notices", "template", "import", str(exported), "--note", "from the CLI")
    assert "v1 saved and in use" in capsys.readouterr().out
    call_command("notices", "template", "show", "notice.misinformation.en.txt")
    assert capsys.readouterr().out == "Imported {{ f.reference }}\n"
    event = AuditEvent.objects.get(action="notice_template_saved")
    assert event.actor_id is None and event.after["note"] == "from the CLI"
    call_command("notices", "template", "use-file", "notice.misinformation.en.txt")
    call_command("notices", "template", "activate", "notice.misinformation.en.txt", "1")
    assert template_events() == [
        "notice_template_saved",
        "notice_template_file_restored",
        "notice_template_activated",
    ]


def test_the_command_line_refuses_a_bad_template(tmp_path: Path, db: Any) -> None:
    bad = tmp_path / "notice.misinformation.en.txt"
    bad.write_text("{% load static %}")
    with pytest.raises(CommandError, match="'load'"):
        call_command("notices", "template", "import", str(bad), "--note", "x")
    with pytest.raises(CommandError, match="not a notice template name"):
        call_command("notices", "template", "show", "../../settings.py")
    assert not NoticeTemplateVersion.objects.exists()


def test_a_missing_name_is_reported_and_its_default_still_applies(dave: User) -> None:
    text, missing = template_store.render_text(
        "[{{ f.nickname|default:'none' }}|{{ f.reference }}]", {"f": compose.SAMPLE_FACTS}
    )
    assert (text, missing) == ("[none|FD-2023-0001]", ("f.nickname",))
