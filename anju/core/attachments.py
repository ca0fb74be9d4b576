"""Files attached to business records: one store for every module, with the reader's role checked.

A module attaches a file with `attach(record, upload, module=..., kind=..., actor=...)` from its own view
(which checks the module's handle permission), lists them with `for_record(record)` and renders
`includes/attachments.html`; downloads go through `core:attachment` which checks view permission on
the attachment's module. A refused file raises `AttachmentError` (codes ``attachment.bad_type``,
``attachment.empty``, ``attachment.too_large``; field ``file``), shown by `refused()` like any line's error."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.models import Attachment, AuditEvent
from anju.lib.errors import DomainError

if TYPE_CHECKING:
    from anju.core.models import User

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = frozenset({"pdf", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "csv", "txt", "zip", "ofd"})


class AttachmentError(DomainError):
    prefix = "attachment"


def validate(upload: UploadedFile) -> None:
    """Refuse empty, oversized and unexpected files with a message naming the file."""
    name = upload.name or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUFFIXES:
        raise AttachmentError(
            _("%(name)s: files of this type cannot be attached (allowed: %(allowed)s).")
            % {"name": name, "allowed": ", ".join(sorted(SUFFIXES))},
            code="bad_type",
            field="file",
        )
    if not upload.size:
        raise AttachmentError(_("%(name)s is empty.") % {"name": name}, code="empty", field="file")
    if upload.size > MAX_BYTES:
        raise AttachmentError(
            _("%(name)s is larger than %(limit)d MB.") % {"name": name, "limit": MAX_BYTES // (1024 * 1024)},
            code="too_large",
            field="file",
        )


@transaction.atomic
def attach(record: models.Model, upload: UploadedFile, *, module: str, kind: str, actor: User | None) -> Attachment:
    """Store the upload against the record (validated first) and audit it."""
    validate(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        module=module,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        kind=kind,
        name=(upload.name or "")[-200:],
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.name, upload, save=False)
    attachment.save()
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        attachment,
        after={"record": f"{record._meta.label}#{record.pk}", "kind": kind, "name": attachment.name},
    )
    return attachment


def for_records(model: type[models.Model], pks: list[int]) -> dict[int, list[Attachment]]:
    """The attachments of many records of one model, by record id, in one query (a page's rows)."""
    found: dict[int, list[Attachment]] = {}
    rows = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    for attachment in rows.select_related("uploaded_by").order_by("pk"):
        found.setdefault(attachment.object_id, []).append(attachment)
    return found


def for_record(record: models.Model) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("uploaded_by")
