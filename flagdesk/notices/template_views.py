# SPDX-License-Identifier: EUPL-1.2
"""Administration of the notice templates: the list, a template's versions with the editor
and a preview with a real case, one version with its diff, activate (revert) and back to the
file. Administrators only; every change goes through :mod:`flagdesk.notices.service`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, require
from flagdesk.assessments import selectors as decisions
from flagdesk.notices import service, template_store
from flagdesk.notices.forms import NewTemplateForm, TemplateVersionForm
from flagdesk.notices.models import NoticeTemplateVersion


def _name(filename: str) -> str:
    name = f"{template_store.MAIL_FOLDER}/{filename}"
    if not template_store.NAME_PATTERN.match(name):
        raise Http404("not a notice template name")
    return name


def _to_template(filename: str) -> HttpResponse:
    return redirect("fd-notice-template-edit", filename=filename)


@dataclass(frozen=True)
class TemplateRow:
    name: str
    filename: str
    has_file: bool
    active: NoticeTemplateVersion | None
    versions: int


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    versions = list(NoticeTemplateVersion.objects.select_related("created_by"))
    files = set(template_store.file_names())
    rows = [
        TemplateRow(
            name=name,
            filename=name.rsplit("/", 1)[1],
            has_file=name in files,
            active=next((v for v in versions if v.name == name and v.active), None),
            versions=sum(1 for v in versions if v.name == name),
        )
        for name in sorted(files | {v.name for v in versions})
    ]
    form = NewTemplateForm(request.GET or None)
    if request.GET and form.is_valid():
        return _to_template(form.cleaned_data["filename"])
    return render(request, "notices/template_list.html", {"rows": rows, "form": form})


def _case_choices() -> list[tuple[int, str]]:
    return [
        (d.pk, f"{d.case.reference} · {d.case.platform.name} · {d.case.election.code}")
        for d in decisions.deploy_decisions()
    ]


def _current_text(name: str, active: NoticeTemplateVersion | None) -> str:
    """What the editor starts with: the text in use, else the generic file to start from."""
    if active is not None:
        return active.text
    return template_store.file_text(name) or template_store.file_text(_generic_for(name)) or ""


def _generic_for(name: str) -> str:
    """The shipped file a new, more specific name starts from: its kind's text in its
    language (``notice.hacked_channel.x.nl.txt`` starts from ``notice.hacked_channel.nl.txt``)."""
    parts = name.rsplit("/", 1)[-1].split(".")
    kind = parts[1] if len(parts) > 3 else "other"
    language = "nl" if parts[-2] == "nl" else "en"
    return f"{template_store.MAIL_FOLDER}/notice.{kind}.{language}.txt"


@login_required
def template_edit(request: HttpRequest, filename: str) -> HttpResponse:
    """GET: the template's versions and the editor. POST: preview (stores nothing) or save
    as a new version."""
    require(request.user, Action.ADMINISTER)
    name = _name(filename)
    versions = list(NoticeTemplateVersion.objects.filter(name=name).select_related("created_by"))
    active = next((v for v in versions if v.active), None)
    form = TemplateVersionForm(
        request.POST or None,
        initial={"text": _current_text(name, active)},
        cases=_case_choices(),
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            saved = _save(request, name, form)
            if saved:
                return _to_template(filename)
        else:
            preview = _preview(request, form, name)
    context = {
        "name": name,
        "filename": filename,
        "has_file": template_store.file_text(name) is not None,
        "versions": versions,
        "active": active,
        "form": form,
        "preview": preview,
        "variables": VARIABLES,
    }
    return render(request, "notices/template_edit.html", context)


def _save(request: HttpRequest, name: str, form: TemplateVersionForm) -> bool:
    try:
        version = service.save_template_version(
            name, form.cleaned_data["text"], form.cleaned_data["note"], request.user
        )
    except service.TemplateError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(
        request,
        _("Version %(version)s saved; new notices use it. Notices already made keep their text.")
        % {"version": version.version},
    )
    missing = service.check_template_text(version.text).missing
    if missing:
        messages.warning(request, _unknown_names_text(missing))
    return True


def _unknown_names_text(missing: tuple[str, ...]) -> str:
    return _("These names are not facts of a notice and stay empty: %(names)s") % {
        "names": ", ".join(missing)
    }


def _preview(
    request: HttpRequest, form: TemplateVersionForm, name: str
) -> service.TemplatePreview | None:
    decision_id = form.cleaned_data["decision"]
    decision = decisions.deploy_decision(decision_id) if decision_id else None
    if decision is None:
        form.add_error("decision", _("Choose a case to preview the text with."))
        return None
    return service.preview_template(form.cleaned_data["text"], decision, name)


@login_required
@require_GET
def template_version(request: HttpRequest, filename: str, version: int) -> HttpResponse:
    """One version's text and what changed against the version before it (or the file)."""
    require(request.user, Action.ADMINISTER)
    name = _name(filename)
    shown = get_object_or_404(
        NoticeTemplateVersion.objects.select_related("created_by"), name=name, version=version
    )
    earlier = (
        NoticeTemplateVersion.objects.filter(name=name, version__lt=version)
        .order_by("-version")
        .first()
    )
    base_text = earlier.text if earlier else (template_store.file_text(name) or "")
    base_label = f"v{earlier.version}" if earlier else _("file")
    context = {
        "name": name,
        "filename": filename,
        "shown": shown,
        "earlier": earlier,
        "base_label": base_label,
        "diff": diff_lines(base_text, shown.text, base_label, f"v{shown.version}"),
    }
    return render(request, "notices/template_version.html", context)


def diff_lines(
    before: str, after: str, before_label: str, after_label: str
) -> list[dict[str, Any]]:
    """A unified diff as lines with their kind (``add``, ``del``, ``hunk``, ``same``)."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), before_label, after_label, lineterm=""
    )
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    return [
        {
            "kind": "head" if line[:3] in ("---", "+++") else kinds.get(line[:1], "same"),
            "text": line,
        }
        for line in lines
    ]


@login_required
@require_POST
def template_activate(request: HttpRequest, filename: str, version: int) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    shown = get_object_or_404(NoticeTemplateVersion, name=_name(filename), version=version)
    service.activate_template_version(shown, request.user)
    messages.success(
        request, _("Version %(version)s is in use again.") % {"version": shown.version}
    )
    return _to_template(filename)


@login_required
@require_POST
def template_use_file(request: HttpRequest, filename: str) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    try:
        service.use_file_template(_name(filename), request.user)
    except service.TemplateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file template shipped with FlagDesk is in use again."))
    return _to_template(filename)


# The facts a notice template can use, shown beside the editor.
VARIABLES = (
    ("f.reference", "FD-2023-0001"),
    ("f.platform_name", "X"),
    ("f.policy_name / f.policy_url", ""),
    ("policy", "X's civic integrity policy"),
    ("f.election_name / f.election_day", ""),
    ("f.urls", "list"),
    ("f.what_is_false", ""),
    ("f.why_it_matters", ""),
    ("harms", "list"),
    ("f.signal_explanation", ""),
    ("f.earlier_notifications", "list"),
    ("f.organisation", ""),
    ("f.sender_name / f.sender_email", ""),
)
