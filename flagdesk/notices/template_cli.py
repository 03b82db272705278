# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk notices template …``: the operator's way to list, read, export and import the
notice templates (the same service functions as the administration pages; audited as done
by the system)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser, OutputWrapper

from flagdesk.notices import service, template_store
from flagdesk.notices.models import NoticeTemplateVersion


def add_arguments(template: CommandParser) -> None:
    actions = template.add_subparsers(dest="template_action", required=True)
    actions.add_parser("list", help="Every template: name, what is in use, number of versions.")
    show = actions.add_parser("show", help="Print the text in use (or --version N) of NAME.")
    show.add_argument("name", help="e.g. notice.en.txt")
    show.add_argument("--version", type=int, help="A stored version instead of the one in use.")
    export = actions.add_parser("export", help="Write the text in use of every template to DIR.")
    export.add_argument("directory", type=Path)
    imported = actions.add_parser(
        "import", help="Save FILE as a new version of the template of its name and use it."
    )
    imported.add_argument("file", type=Path)
    imported.add_argument("--note", required=True, help="What changed and why (required).")
    imported.add_argument("--name", help="The template's name when it differs from FILE's name.")
    activate = actions.add_parser("activate", help="Use stored version VERSION of NAME again.")
    activate.add_argument("name")
    activate.add_argument("version", type=int)
    use_file = actions.add_parser("use-file", help="Go back to the file template of NAME.")
    use_file.add_argument("name")


def handle(options: dict[str, Any], out: OutputWrapper) -> None:
    action = options["template_action"]
    try:
        if action == "list":
            _list(out)
        elif action == "show":
            out.write(_text_of(_full_name(options["name"]), options["version"]))
        elif action == "export":
            _export(options["directory"], out)
        elif action == "import":
            _import(options["file"], options["note"], options["name"], out)
        elif action == "activate":
            version = _version(_full_name(options["name"]), options["version"])
            service.activate_template_version(version, None)
            out.write(f"{version.name} v{version.version} is in use\n")
        else:
            service.use_file_template(_full_name(options["name"]), None)
            out.write(f"{_full_name(options['name'])}: the file template is in use\n")
    except service.NoticeError as exc:
        raise CommandError(str(exc)) from exc


def _full_name(name: str) -> str:
    full = (
        name
        if name.startswith(f"{template_store.MAIL_FOLDER}/")
        else (f"{template_store.MAIL_FOLDER}/{name}")
    )
    if not template_store.NAME_PATTERN.match(full):
        raise CommandError(f"not a notice template name: {name}")
    return full


def _all_names() -> list[str]:
    stored = NoticeTemplateVersion.objects.values_list("name", flat=True).distinct()
    return sorted(set(template_store.file_names()) | set(stored))


def _list(out: OutputWrapper) -> None:
    for name in _all_names():
        versions = NoticeTemplateVersion.objects.filter(name=name)
        active = versions.filter(active=True).first()
        in_use = (
            f"v{active.version}"
            if active
            else ("file" if template_store.file_text(name) is not None else "-")
        )
        out.write(f"{name}\t{in_use}\t{versions.count()} version(s)\n")


def _version(name: str, number: int) -> NoticeTemplateVersion:
    version = NoticeTemplateVersion.objects.filter(name=name, version=number).first()
    if version is None:
        raise CommandError(f"{name} has no version {number}")
    return version


def _text_of(name: str, number: int | None = None) -> str:
    if number is not None:
        return _version(name, number).text
    active = NoticeTemplateVersion.objects.filter(name=name, active=True).first()
    text = active.text if active else template_store.file_text(name)
    if text is None:
        raise CommandError(f"no template {name}")
    return text


def _export(directory: Path, out: OutputWrapper) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in _all_names():
        try:
            text = _text_of(name)
        except CommandError:
            continue  # versions only, none in use: nothing is rendered from it
        target = directory / name.rsplit("/", 1)[1]
        target.write_text(text, encoding="utf-8")
        out.write(f"{target}\n")


def _import(file: Path, note: str, name: str | None, out: OutputWrapper) -> None:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{file}: {exc}") from exc
    version = service.save_template_version(_full_name(name or file.name), text, note, None)
    out.write(f"{version.name} v{version.version} saved and in use\n")
    missing = service.check_template_text(text).missing
    if missing:
        out.write(f"warning: not facts of a notice, they stay empty: {', '.join(missing)}\n")
