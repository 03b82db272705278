# SPDX-License-Identifier: EUPL-1.2
"""Notice templates: the administrator's versions in the database in front of the files.

:func:`render_first` walks an ordered list of template names (most specific first) and
renders the first that exists: the active database version of a name if there is one, else
the file template of that name. It says which one it used, so a notice records what made it.

An administrator's text is rendered into mail to platforms, so it is compiled by a
**restricted engine**: only the tags and filters a notice needs (no ``load``, ``include``,
``extends``, ``debug``, ``ssi``, ``url``, …), no template loaders at all, autoescape off
(plain text), and a context of plain, read-only values (strings, numbers, tuples and
read-only mappings), so a template can neither reach settings nor call anything that
changes data. Errors are found when a version is saved, never when a notice is made.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.template import (
    Context,
    Library,
    Template,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    engines,
)
from django.template.base import Node
from django.template.defaultfilters import register as default_filters
from django.template.defaulttags import ForNode
from django.template.defaulttags import register as default_tags
from django.template.engine import Engine
from django.template.loader import get_template

from flagdesk.notices.models import NoticeTemplateVersion

logger = logging.getLogger("flagdesk.notices")

# The folder of notice templates, under every template directory.
MAIL_FOLDER = "notices/mail"
# A template name an administrator may give: notices/mail/notice[.kind][.platform].lang.txt
NAME_PATTERN = re.compile(r"^notices/mail/[a-z0-9_-]+(\.[a-z0-9_-]+){1,4}\.txt$")
MAX_TEXT_LENGTH = 20_000
# Loops inside loops multiply the work (a loop over a long text's characters inside another
# runs millions of times); no fact of a notice is a list of lists, so one level is enough.
MAX_LOOP_DEPTH = 1

ALLOWED_TAGS = frozenset({"autoescape", "comment", "firstof", "for", "if", "with"})
ALLOWED_FILTERS = frozenset(
    {
        "capfirst",
        "cut",
        "date",
        "default",
        "default_if_none",
        "first",
        "join",
        "last",
        "length",
        "lower",
        "pluralize",
        "title",
        "truncatechars",
        "truncatewords",
        "upper",
        "wordwrap",
        "yesno",
    }
)
MISSING_MARK = "\x00missing:%s\x00"
MISSING_FOUND = re.compile("\x00missing:([^\x00]*)\x00")


class TemplateRefused(ValueError):
    """The text is not a template FlagDesk will render (shown to the administrator)."""


def _restricted_library() -> Library:
    library = Library()
    library.tags = {name: default_tags.tags[name] for name in ALLOWED_TAGS}
    library.filters = {name: default_filters.filters[name] for name in ALLOWED_FILTERS}
    return library


class _RestrictedEngine(Engine):
    """Django's engine with only our allow-list as builtins: any other tag, ``load``
    included, is a syntax error at compile time."""

    def get_template_builtins(self, builtins: Any) -> list[Library]:
        return [_restricted_library()]


def _engine(string_if_invalid: str = "") -> Engine:
    return _RestrictedEngine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        libraries={},
        autoescape=False,
        debug=False,
        string_if_invalid=string_if_invalid,
    )


_ENGINE = _engine()
_PROBE_ENGINE = _engine(MISSING_MARK)


def compile_text(text: str, *, probe: bool = False) -> Template:
    """The administrator's text as a template; :class:`TemplateRefused` says why not."""
    if len(text) > MAX_TEXT_LENGTH:
        raise TemplateRefused(f"the text is longer than {MAX_TEXT_LENGTH} characters")
    return _compiled(text, probe)


@functools.lru_cache(maxsize=64)
def _compiled(text: str, probe: bool) -> Template:
    # Stored versions never change, so a text compiles to the same template every time.
    try:
        template = (_PROBE_ENGINE if probe else _ENGINE).from_string(text)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(str(exc)) from exc
    if _loop_depth(template.nodelist) > MAX_LOOP_DEPTH:
        raise TemplateRefused(f"loops are nested deeper than {MAX_LOOP_DEPTH} levels")
    return template


def _loop_depth(nodes: Sequence[Node]) -> int:
    deepest = 0
    for node in nodes:
        inner = max(
            (_loop_depth(getattr(node, a, None) or []) for a in node.child_nodelists), default=0
        )
        deepest = max(deepest, inner + (1 if isinstance(node, ForNode) else 0))
    return deepest


def safe_value(value: Any) -> Any:
    """A read-only copy of ``value`` for a template: nothing in it can change data when the
    template engine calls it (a list's ``clear``, a dict's ``pop``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): safe_value(v) for k, v in value.items()})
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(safe_value(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def safe_context(context: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_value(value) for key, value in context.items()}


@dataclass(frozen=True)
class Rendered:
    """A text and what made it: the administrator's version (``source == "database"``) or
    the file template shipped with FlagDesk (``source == "file"``, ``version`` None)."""

    text: str
    name: str
    source: str
    version: NoticeTemplateVersion | None = None


def render_text(
    text: str, context: Mapping[str, Any], *, probe: bool = True
) -> tuple[str, tuple[str, ...]]:
    """Render an administrator's text; with ``probe``, also the variables it names that the
    context lacks (they render as nothing). The probe is a second rendering: with a marker
    for missing names Django would skip their filters (``|default``), so it never makes the
    text."""
    safe = safe_context(context)
    rendered = compile_text(text).render(Context(safe))
    if not probe:
        return rendered, ()
    probed = compile_text(text, probe=True).render(Context(safe))
    return rendered, tuple(dict.fromkeys(MISSING_FOUND.findall(probed)))


def render_first(names: Sequence[str], context: Mapping[str, Any]) -> Rendered:
    """The first of ``names`` that exists, rendered: the active database version of a name,
    else its file template. Raises ``TemplateDoesNotExist`` when none exists."""
    active = active_versions(names)
    for name in names:
        version = active.get(name)
        if version is not None:
            rendered = _render_version(version, context)
            if rendered is not None:
                return rendered
        try:
            template = get_template(name)
        except TemplateDoesNotExist:
            continue
        return Rendered(text=template.render(safe_context(context)), name=name, source="file")
    raise TemplateDoesNotExist(", ".join(names))


def _render_version(version: NoticeTemplateVersion, context: Mapping[str, Any]) -> Rendered | None:
    # Checked at save; should an engine upgrade refuse a stored text, the file template
    # takes over instead of a decision failing to draft its notice.
    try:
        text, _missing = render_text(version.text, context, probe=False)
    except (TemplateRefused, TemplateSyntaxError):
        logger.exception("notice template %s v%s no longer compiles", version.name, version.version)
        return None
    return Rendered(text=text, name=version.name, source="database", version=version)


def active_versions(names: Sequence[str]) -> dict[str, NoticeTemplateVersion]:
    return {
        v.name: v for v in NoticeTemplateVersion.objects.filter(name__in=list(names), active=True)
    }


# ------------------------------------------------------------------ the files


def _mail_folders() -> list[Path]:
    return [Path(d) / MAIL_FOLDER for d in engines["django"].template_dirs]


def file_names() -> list[str]:
    """Every file template under notices/mail in any template directory, sorted."""
    found = {
        f"{MAIL_FOLDER}/{p.name}" for d in _mail_folders() if d.is_dir() for p in d.glob("*.txt")
    }
    return sorted(found)


def file_exists(name: str) -> bool:
    return name in file_names()


def file_text(name: str) -> str | None:
    """The source of the file template ``name`` (the one Django would load), or None."""
    if not file_exists(name):
        return None
    return str(get_template(name).template.source)  # type: ignore[attr-defined]
