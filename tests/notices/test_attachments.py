import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from renda.notices import services as svc
from renda.notices.models import NoticeStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(*, macro: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        if macro:
            zf.writestr("word/vbaProject.bin", "x")
    return buf.getvalue()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 0, 0)).save(buf, format="PNG")
    return buf.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_pdf_docx_and_image_are_accepted_and_stored_privately(world, make_notice):
    notice = make_notice()
    pdf = svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("会议通知.pdf", PDF))
    doc = svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("议程.docx", docx_bytes()))
    img = svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("照片.png", png_bytes()))
    assert (pdf.name, pdf.content_type) == ("会议通知.pdf", "application/pdf")
    assert doc.name == "议程.docx" and doc.content_type.endswith("wordprocessingml.document")
    assert img.name == "照片.jpg" and img.content_type == "image/jpeg"
    media = Path(settings.MEDIA_ROOT).resolve()
    for a in (pdf, doc, img):
        stored = Path(a.file.path).resolve()
        assert stored.exists() and media not in stored.parents


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00" + b"\x00" * 100, "只支持"),
        ("假的.pdf", b"<html>not a pdf</html>", "只支持"),
        ("宏.docx", docx_bytes(macro=True), "不含宏"),
        ("压缩包.docx", b"PK\x03\x04garbage", "不含宏"),
        ("空.pdf", b"", "空的"),
        ("坏.pdf", b"%PDF-1.4 truncated", "不完整"),
    ],
)
def test_bad_files_are_refused_by_content(world, make_notice, name, data, message):
    notice = make_notice()
    with pytest.raises(ValidationError, match=message):
        svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload(name, data))
    assert not notice.attachments.exists()


def test_size_limit(world, make_notice, settings):
    settings.RENDA_MAX_ATTACHMENT_BYTES = 100
    notice = make_notice()
    with pytest.raises(ValidationError, match="不能超过"):
        svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("大.pdf", PDF + b" " * 200))


def test_public_download_only_while_published_publicly(world, make_notice, client):
    notice = make_notice()
    att = svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("会议通知.pdf", PDF))
    url = f"/notices/{notice.pk}/files/{att.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    svc.notice_transition(actor=world.staff_a, notice=notice, to=NoticeStatus.WITHDRAWN)
    assert client.get(url).status_code == 404
    internal = make_notice(public=False)
    att2 = svc.notice_attach(actor=world.staff_a, notice=internal, uploaded_file=upload("内部.pdf", PDF))
    assert client.get(f"/notices/{internal.pk}/files/{att2.pk}/").status_code == 404
    draft = make_notice(publish=False)
    att3 = svc.notice_attach(actor=world.staff_a, notice=draft, uploaded_file=upload("草稿.pdf", PDF))
    assert client.get(f"/notices/{draft.pk}/files/{att3.pk}/").status_code == 404


def test_console_download_owner_recipient_outsider(world, make_notice, login, client):
    notice = make_notice(public=False)
    att = svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("内部.pdf", PDF))
    url = f"/console/notices/{notice.pk}/attachments/{att.pk}/"
    assert login(world.staff_a).get(url).status_code == 200
    # the deputy sees it only once it was pushed to them
    assert login(world.deputy_user_a).get(url).status_code == 404
    svc.push_send(actor=world.staff_a, notice=notice, audience=svc.Audience(stations=[world.station_a]))
    assert login(world.deputy_user_a).get(url).status_code == 200
    assert login(world.staff_b).get(url).status_code == 404


def test_deputy_loses_attachment_when_withdrawn(world, make_notice, login):
    notice = make_notice(public=False)
    att = svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("内部.pdf", PDF))
    svc.push_send(actor=world.staff_a, notice=notice, audience=svc.Audience(stations=[world.station_a]))
    svc.notice_transition(actor=world.staff_a, notice=notice, to=NoticeStatus.WITHDRAWN)
    url = f"/console/notices/{notice.pk}/attachments/{att.pk}/"
    assert login(world.deputy_user_a).get(url).status_code == 404
    assert login(world.staff_a).get(url).status_code == 200


def test_delete_attachment_removes_file(world, make_notice, login, django_capture_on_commit_callbacks):
    notice = make_notice()
    att = svc.notice_attach(actor=world.staff_a, notice=notice, uploaded_file=upload("会议通知.pdf", PDF))
    path = Path(att.file.path)
    assert login(world.staff_b).post(f"/console/notices/{notice.pk}/attachments/{att.pk}/delete/").status_code == 404
    client = login(world.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/console/notices/{notice.pk}/attachments/{att.pk}/delete/")
    assert response.status_code == 302 and not notice.attachments.exists()
    assert not path.exists()
