from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from anju.core import attachments
from anju.core.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def test_attach_stores_the_file_under_its_hash_and_audits(make_user: Callable[..., User]) -> None:
    user = make_user("clerk", "station")
    role = Role.objects.get(code="station")
    content = b"%PDF-1.4 quote"
    attachment = attachments.attach(
        role, SimpleUploadedFile("报价单.pdf", content), module="fund", kind="quote", actor=user
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content) and attachment.name == "报价单.pdf"
    assert attachment.file.name.endswith(f"{attachment.sha256}.pdf")
    assert list(attachments.for_record(role)) == [attachment]
    assert AuditEvent.objects.filter(model="core.Attachment", object_id=str(attachment.pk)).exists()


@pytest.mark.parametrize(
    ("name", "content", "message", "code"),
    [
        ("virus.exe", b"MZ", "cannot be attached", "attachment.bad_type"),
        ("empty.pdf", b"", "is empty", "attachment.empty"),
    ],
)
def test_attach_refuses_bad_files(
    make_user: Callable[..., User], name: str, content: bytes, message: str, code: str
) -> None:
    role = Role.objects.get(code="station")
    with translation.override("en"), pytest.raises(attachments.AttachmentError, match=message) as refused:
        attachments.attach(role, SimpleUploadedFile(name, content), module="fund", kind="", actor=None)
    assert refused.value.code == code and refused.value.field == "file"
    assert not attachments.for_record(role).exists()


def test_download_needs_view_permission_on_the_module(client_for: Callable[..., Client]) -> None:
    role = Role.objects.get(code="station")
    attachment = attachments.attach(
        role, SimpleUploadedFile("photo.png", b"\x89PNG data"), module="fund", kind="photo", actor=None
    )
    url = reverse("core:attachment", args=[attachment.pk])
    allowed = client_for("station").get(url)
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == b"\x89PNG data"  # type: ignore[attr-defined]
    assert "attachment" in allowed["Content-Disposition"]
    assert client_for("office").get(url).status_code == 403  # 办公室 has no fund permission
    assert Client().get(url).status_code == 302
