# SPDX-License-Identifier: EUPL-1.2
"""Attacks through a notice template: an administrator's text is rendered into mail to
platforms, so it must reach nothing but the notice's facts.

A stolen admin session or a careless paste must not read files (``include``, ``ssi``,
``extends``), load tag libraries, dump the context or settings (``debug``,
``settings.SECRET_KEY``), reach Python internals (``__class__``), change data through a
method the engine calls, or blow up the worker with nested loops. Refusals happen when the
version is saved, not when a notice is made.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.notices import compose, service, template_store
from flagdesk.notices.models import NoticeTemplateVersion

GENERIC = "notices/mail/notice.misinformation.en.txt"

REFUSED_AT_SAVE = [
    "{% load static %}{% static 'x' %}",
    "{% load i18n %}",
    '{% include "/etc/passwd" %}',
    '{% include "core/base.html" %}',
    '{% extends "core/base.html" %}',
    "{% debug %}",
    '{% ssi "/etc/passwd" %}',
    "{% url 'fd-dashboard' %}",
    "{% csrf_token %}",
    "{% now 'Y' %}",
    "{% templatetag openblock %}",
    "{{ f.reference|safe }}",
    "{{ f.reference|pprint }}",
    "{{ f.urls|dictsort:'x' }}",
    "{% for a in f.what_is_false %}{% for b in f.what_is_false %}{{ b }}{% endfor %}{% endfor %}",
    "{% for a in f.urls %}{% if a %}{% for b in a %}{{ b }}{% endfor %}{% endif %}{% endfor %}",
    "x" * (template_store.MAX_TEXT_LENGTH + 1),
    # Python internals: the engine refuses names with underscores when it compiles.
    "{{ f.__class__ }}",
    "{{ f.__dict__ }}",
    "{{ f.reference.__class__.__mro__ }}",
    "{{ harms.__len__ }}",
]


@pytest.mark.parametrize("text", REFUSED_AT_SAVE)
def test_a_dangerous_template_is_refused_at_save(text: str, dave: User) -> None:
    with pytest.raises(service.TemplateError):
        service.save_template_version(GENERIC, text, "attack", dave)
    assert not NoticeTemplateVersion.objects.exists()
    assert compose.render_body(compose.SAMPLE_FACTS).source == "file"


def test_the_editor_refuses_include_and_stores_nothing(dave: User) -> None:
    response = in_english(verified_client(dave)).post(
        reverse("fd-notice-template-edit", args=["notice.misinformation.en.txt"]),
        {"text": '{% include "/etc/passwd" %}', "note": "attack", "action": "save"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The template was not saved" in html and "root:" not in html
    assert not NoticeTemplateVersion.objects.exists()


def test_the_preview_refuses_load_too() -> None:
    with pytest.raises(template_store.TemplateRefused):
        template_store.compile_text("{% load log %}{% get_admin_log 10 as log %}")


LEAKS = [
    "{{ settings.SECRET_KEY }}",
    "{{ f.settings.SECRET_KEY }}",
    "{{ request.META }}",
    "{{ user.password }}",
    "{{ perms }}",
    "{{ csrf_token }}",
    "{{ messages }}",
]


@pytest.mark.parametrize("text", LEAKS)
def test_the_context_offers_nothing_beyond_the_facts(text: str, dave: User) -> None:
    version = service.save_template_version(GENERIC, f"[{text}]", "probe", dave)
    assert version.active
    body = compose.body_for(compose.SAMPLE_FACTS)
    assert body == "[]\n"
    assert django_settings.SECRET_KEY not in body


def test_methods_the_engine_calls_change_nothing(dave: User) -> None:
    # A list's clear() or a dict's popitem() take no arguments: the engine would call them.
    text = "{{ f.urls.clear }}{{ harms.clear }}{{ f.popitem }}{{ f.clear }}|{{ f.urls|join:',' }}"
    service.save_template_version(GENERIC, text, "probe", dave)
    urls = ["https://x.example/someone/status/1"]
    facts = dataclasses.replace(compose.SAMPLE_FACTS, urls=urls, harms=["invalid_vote"])
    body = compose.body_for(facts)
    assert body.endswith("|https://x.example/someone/status/1\n")
    assert urls == ["https://x.example/someone/status/1"] and facts.harms == ["invalid_vote"]


def test_a_stored_text_the_engine_refuses_later_falls_back_to_the_file(
    dave: User, caplog: Any
) -> None:
    # Written past the service (as an older release might have): never breaks drafting.
    NoticeTemplateVersion.objects.create(
        name=GENERIC, version=1, text="{% debug %}", note="legacy", active=True
    )
    rendered = compose.render_body(compose.SAMPLE_FACTS)
    assert rendered.source == "file" and "Dear people at X," in rendered.text
    assert "no longer compiles" in caplog.text


def test_a_template_cannot_inject_a_header() -> None:
    # The subject is not templatable, and the body goes through build_message, which puts
    # it in the message body only: a "header" written in the text stays text.
    raw = compose.build_message(
        compose.Envelope(
            from_email="tf@minbzk.example",
            from_name="TF",
            to="x@x.example",
            subject="S",
            body="Bcc: everyone@example.org\n\nhello",
            message_id="<1.a.flagdesk@minbzk.example>",
        )
    )
    head, _sep, _body = raw.partition(b"\r\n\r\n")
    assert b"Bcc" not in head
