# SPDX-License-Identifier: EUPL-1.2
"""Uploads are checked by their bytes, not by the name or type the sender claims.

One checker for every file a person uploads: a signal's attachments (intake) and a portal's
confirmation of a notice (notices).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Leading bytes of the formats we accept: screenshots, PDFs, saved e-mails and pages, text.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if _is_text(head):
        return "text/plain"
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample.
        return exc.start >= len(head) - 3
    return True


def check_upload(upload: UploadedFile) -> str:
    """Return the detected content type, or raise ValidationError."""
    size = upload.size or 0
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name}, code="empty")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a PNG, JPEG, GIF, WebP, PDF or text file.") % {"name": upload.name},
            code="bad_type",
        )
    upload.content_type = content_type
    return content_type
