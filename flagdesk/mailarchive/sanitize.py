# SPDX-License-Identifier: EUPL-1.2
"""Make the HTML of an inbound e-mail safe to show, and derive plain text from it.

``sanitise_html`` runs the mail's HTML through nh3 (the Ammonia sanitiser) with an
allow-list of formatting tags. Besides the usual (no scripts, styles, event handlers,
forms, frames), it blocks anything that would make a reader's browser contact a remote
server: opening a platform's mail must not tell the sender (or a tracker) that, when or
from where it was read. So remote images become the text ``[image blocked]``; inline
images survive only as ``cid:`` references (resolved, if at all, by the viewer against
the archived attachments) or as small ``data:`` images. Links keep their ``href`` (http,
https, mailto only), lose any ``target`` and get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import nh3

__all__ = ["BLOCKED_IMAGE_TEXT", "html_to_text", "sanitise_html"]

BLOCKED_IMAGE_TEXT = "[image blocked]"
# A data: image beyond this many characters (about 75 kB decoded) is blocked: big inline
# blobs are more likely tracking or abuse than a logo.
MAX_DATA_IMAGE_CHARS = 100_000

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "col", "colgroup",
    "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "tt", "u", "ul",
}  # fmt: skip
_CELL = {"align", "valign", "colspan", "rowspan", "width"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": _CELL,
    "th": _CELL,
    "table": {"width"},
    "*": {"dir", "lang"},
}
# Removed together with their content (the other unknown tags are removed but keep text).
CONTENT_REMOVED_TAGS = {
    "script", "style", "title", "template", "noscript", "iframe", "object", "embed",
    "svg", "math", "textarea", "select", "head",
}  # fmt: skip
_URL_SCHEMES = {"http", "https", "mailto", "cid", "data"}
_LINK_SCHEMES = ("http:", "https:", "mailto:")
_DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|jpg|webp);base64,[a-z0-9+/=\s]*$", re.I)
# nh3 serialises attributes as name="value" with quotes escaped, so this matches exactly.
_IMG_TAG = re.compile(r'<img((?:\s+[^\s="<>/]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([^\s="<>/]+)(?:="([^"]*)")?')


def sanitise_html(html: str) -> str:
    """Safe HTML for display inside FlagDesk; remote content can no longer load."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CONTENT_REMOVED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _IMG_TAG.sub(_placeholder_for_blocked_image, cleaned)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _is_allowed_image(value) else None
    if tag == "a" and attribute == "href":
        return value if _scheme_of(value).startswith(_LINK_SCHEMES) else None
    return value


def _is_allowed_image(src: str) -> bool:
    lowered = _scheme_of(src)
    if lowered.startswith("cid:"):
        return True
    return len(src) <= MAX_DATA_IMAGE_CHARS and bool(_DATA_IMAGE.match(src.strip()))


def _scheme_of(url: str) -> str:
    return "".join(url.split()).lower()


def _placeholder_for_blocked_image(match: re.Match[str]) -> str:
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if "src" in attributes:
        return match.group(0)
    alt = html_lib.unescape(attributes.get("alt", "")).strip()
    label = f"{BLOCKED_IMAGE_TEXT[:-1]}: {alt}]" if alt else BLOCKED_IMAGE_TEXT
    return f'<span class="fd-blocked-image">{html_lib.escape(label)}</span>'


# --- text -------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "address", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "table", "tr", "ul",
}  # fmt: skip
_SKIPPED_TAGS = CONTENT_REMOVED_TAGS
_TAG = re.compile(r"<[^>]*>")
_SKIPPED_CONTENT = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.I | re.S)
_INLINE_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n(\s*\n)+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip_depth = 0
        self._links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n- " if tag == "li" else "\n")
        elif tag == "a":
            self._links.append(dict(attrs).get("href") or "")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.chunks.append(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS and tag != "li":  # the next item starts its own line
            self.chunks.append("\n")
        elif tag == "a" and self._links:
            self._append_link(self._links.pop())

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.chunks.append(data)

    def _append_link(self, href: str) -> None:
        # Show where a link goes, unless the text already says it (or it is no web link).
        target = href.strip()
        if target.lower().startswith(_LINK_SCHEMES) and target not in "".join(self.chunks[-3:]):
            self.chunks.append(f" <{target.removeprefix('mailto:')}>")


def html_to_text(html: str) -> str:
    """Readable plain text from HTML: no markup, scripts or styles; paragraphs kept."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
        text = "".join(extractor.chunks)
    except Exception:
        # The stdlib parser trips over some Office markup; a crude strip beats nothing.
        text = html_lib.unescape(_TAG.sub(" ", _SKIPPED_CONTENT.sub(" ", html)))
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()
