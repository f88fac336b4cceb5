"""Uploading evidence (``oversight.services.attachment_create``) and downloading it again.

A file is accepted by what its content is, never by its name alone; it is stored privately
under a name of our choosing, and only the owning organisation's people (and those who see
every organisation) can download it.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from oversight.errors import UploadRefused
from oversight.models import Attachment
from oversight.services import attachment_create

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"xref\n0 4\n"
    b"0000000000 65535 f \n"
    b"0000000009 00000 n \n"
    b"0000000058 00000 n \n"
    b"0000000115 00000 n \n"
    b"trailer << /Size 4 /Root 1 0 R >>\n"
    b"startxref\n186\n%%EOF\n"
)

WELSH_CSV = "organisation,note\nBwrdd Iechyd Prifysgol Caerdydd a'r Fro,ŵ ŷ\n".encode()

# 64-bit little-endian ELF header followed by padding: what a Linux executable starts with.
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200

# Bytes with no recognisable signature and plenty that are not valid text.
RANDOM_BINARY = bytes([0x9A, 0x13, 0xFF, 0x00, 0xC3, 0x28, 0x81, 0x07] * 64)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def one_pixel_png() -> bytes:
    """A real, valid 1x1 red RGB PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def real_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Evidence"
    sheet.append(["Organisation", "Waiting list"])
    sheet.append(["Org A", 1234])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def real_docx() -> bytes:
    """The smallest Word document Word itself opens: content types, a relationship and a body."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/>'
        "</Relationships>"
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Escalation response</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


@pytest.fixture
def private_dir(settings, tmp_path) -> Path:
    """Point the private storage at a temporary directory for this test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def create(world, name: str, content: bytes, persona: str = "submitter_a", organisation=None) -> Attachment:
    return attachment_create(
        actor=world.personas[persona],
        upload=upload(name, content),
        organisation=organisation if organisation is not None else world.org_a,
        purpose="evidence",
    )


# --- Accepted by their content ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("board-paper.pdf", MINIMAL_PDF, "application/pdf"),
        ("chart.png", one_pixel_png(), "image/png"),
        ("response.docx", real_docx(), DOCX_TYPE),
        ("waiting-times.xlsx", real_xlsx(), XLSX_TYPE),
        ("welsh-names.csv", WELSH_CSV, "text/csv"),
    ],
    ids=["pdf", "png", "docx", "xlsx", "welsh-csv"],
)
def test_a_real_file_of_an_accepted_type_is_stored_with_the_type_found_in_its_content(
    world, private_dir, name, content, content_type
):
    attachment = create(world, name, content)

    attachment.refresh_from_db()
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.organisation == world.org_a
    assert attachment.uploaded_by == world.personas["submitter_a"]


def test_the_stored_sha256_size_and_type_are_those_of_the_uploaded_bytes(world, private_dir):
    attachment = create(world, "abc.csv", b"abc")

    attachment.refresh_from_db()
    # SHA-256 of b"abc", the FIPS 180-2 test vector.
    assert attachment.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert attachment.size == 3
    assert attachment.content_type == "text/csv"


def test_the_stored_file_holds_exactly_the_uploaded_bytes_in_the_private_storage(world, private_dir):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF)

    stored = private_dir / attachment.file.name
    assert stored.is_file()
    assert stored.read_bytes() == MINIMAL_PDF


def test_the_stored_file_name_does_not_contain_the_uploaders_file_name(world, private_dir):
    attachment = create(world, "Confidential Board Minutes.pdf", MINIMAL_PDF)

    stored_name = attachment.file.name
    assert "Confidential" not in stored_name
    assert "Minutes" not in stored_name
    assert ".pdf" not in stored_name
    assert stored_name.startswith("attachments/")
    assert stored_name.endswith(str(attachment.pk))
    assert attachment.original_name == "Confidential Board Minutes.pdf"


def test_a_path_in_the_uploaded_file_name_is_dropped_from_the_original_name(world, private_dir):
    attachment = create(world, "../../etc/evidence.pdf", MINIMAL_PDF)

    assert attachment.original_name == "evidence.pdf"
    assert ".." not in attachment.file.name


# --- Refused ---------------------------------------------------------------------------------


def test_an_empty_file_is_refused_naming_the_file(world, private_dir):
    with pytest.raises(UploadRefused) as refused:
        create(world, "nothing-here.pdf", b"")

    assert "nothing-here.pdf" in refused.value.message
    assert "empty" in refused.value.message
    assert refused.value.field == "file"
    assert Attachment.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_naming_the_file(world, private_dir, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    too_big = MINIMAL_PDF + b"%" + b"x" * 2048 + b"\n"

    with pytest.raises(UploadRefused) as refused:
        create(world, "huge-report.pdf", too_big)

    assert "huge-report.pdf" in refused.value.message
    assert "1 KB" in refused.value.message
    assert Attachment.objects.count() == 0


def test_a_file_under_the_size_limit_is_accepted(world, private_dir, settings):
    settings.ATTACHMENT_MAX_BYTES = 4096

    attachment = create(world, "small-report.pdf", MINIMAL_PDF)

    assert attachment.size == len(MINIMAL_PDF)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", ELF_EXECUTABLE),
        ("payload.pdf", RANDOM_BINARY),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100),
        ("notes.exe", b"just some plain text\n"),
        ("no-extension", MINIMAL_PDF),
        ("figures.csv", b"organisation,count\nOrg A,12\x00\x00\x00\n"),
        ("notes.txt", b"line one\nline\x00two\n"),
    ],
    ids=[
        "elf-named-pdf",
        "random-binary-named-pdf",
        "windows-executable",
        "unknown-extension",
        "no-extension",
        "csv-with-nul-bytes",
        "txt-with-nul-bytes",
    ],
)
def test_a_file_whose_content_is_not_an_accepted_type_is_refused_naming_the_file(world, private_dir, name, content):
    with pytest.raises(UploadRefused) as refused:
        create(world, name, content)

    assert name in refused.value.message
    assert refused.value.field == "file"
    assert Attachment.objects.count() == 0


def test_a_pdf_renamed_to_docx_is_refused(world, private_dir):
    with pytest.raises(UploadRefused) as refused:
        create(world, "response.docx", MINIMAL_PDF)

    assert "response.docx" in refused.value.message
    assert "application/pdf" in refused.value.message
    assert Attachment.objects.count() == 0


def test_a_png_renamed_to_pdf_is_refused(world, private_dir):
    with pytest.raises(UploadRefused) as refused:
        create(world, "scan.pdf", one_pixel_png())

    assert "scan.pdf" in refused.value.message
    assert "image/png" in refused.value.message


def test_an_excel_workbook_renamed_to_docx_is_refused(world, private_dir):
    with pytest.raises(UploadRefused) as refused:
        create(world, "response.docx", real_xlsx())

    assert "response.docx" in refused.value.message


def test_a_short_csv_whose_last_byte_is_not_utf8_is_refused(world, private_dir):
    # Latin-1 "café" with no newline: the whole file is the sample, so nothing was cut off and
    # the final byte 0xE9 is simply not UTF-8. Only a character split by the 8 KB sample
    # boundary should be forgiven.
    with pytest.raises(UploadRefused) as refused:
        create(world, "latin1.csv", b"name\ncaf\xe9")

    assert "latin1.csv" in refused.value.message


def test_a_csv_that_is_not_utf8_in_the_middle_is_refused(world, private_dir):
    with pytest.raises(UploadRefused) as refused:
        create(world, "latin1.csv", b"name,town\ncaf\xe9,Caerdydd\n")

    assert "latin1.csv" in refused.value.message


def test_a_long_utf8_csv_with_a_welsh_letter_split_by_the_sample_boundary_is_accepted(world, private_dir):
    # 8191 ASCII bytes then "ŵ" (two bytes in UTF-8): the 8 KB sample ends half-way through it.
    content = b"a" * 8191 + "ŵ\n".encode()

    attachment = create(world, "long.csv", content)

    assert attachment.content_type == "text/csv"


# --- Who may upload ----------------------------------------------------------------------------


def test_an_org_b_submitter_cannot_upload_for_org_a(world, private_dir):
    with pytest.raises(Http404):
        create(world, "board-paper.pdf", MINIMAL_PDF, persona="submitter_b", organisation=world.org_a)

    assert Attachment.objects.count() == 0
    assert not any(private_dir.rglob("*"))


def test_an_org_a_submitter_can_upload_for_org_a(world, private_dir):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF, persona="submitter_a", organisation=world.org_a)

    assert Attachment.objects.get() == attachment


def test_a_partner_cannot_upload_for_org_a(world, private_dir):
    with pytest.raises(Http404):
        create(world, "board-paper.pdf", MINIMAL_PDF, persona="partner", organisation=world.org_a)


def test_an_official_can_upload_for_any_organisation(world, private_dir):
    attachment = create(world, "letter.pdf", MINIMAL_PDF, persona="official", organisation=world.org_b)

    assert attachment.organisation == world.org_b


# --- Download ----------------------------------------------------------------------------------


def download(client, attachment):
    return client.get(reverse("attachment-download", args=[attachment.pk]))


def test_the_owner_organisations_user_downloads_exactly_the_uploaded_bytes(world, private_dir, login):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF)
    client = login(world.personas["submitter_a"])

    response = download(client, attachment)

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    response.close()
    assert body == MINIMAL_PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="board-paper.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_welsh_csv_downloads_byte_for_byte(world, private_dir, login):
    attachment = create(world, "welsh-names.csv", WELSH_CSV)
    client = login(world.personas["submitter_a"])

    response = download(client, attachment)

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    response.close()
    assert body == WELSH_CSV
    assert body.decode("utf-8").endswith("Bwrdd Iechyd Prifysgol Caerdydd a'r Fro,ŵ ŷ\n")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("submitter_b", 404),
        ("partner", 404),
        ("official", 200),
        ("analyst", 200),
        ("admin", 200),
    ],
)
def test_who_may_download_org_as_attachment(world, private_dir, login, persona, status):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF)
    client = login(world.personas[persona])

    response = download(client, attachment)

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == MINIMAL_PDF
        response.close()
    else:
        assert b"%PDF" not in response.content


def test_another_organisations_user_gets_a_404_for_an_attachment(world, private_dir, login):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF)
    client = login(world.personas["submitter_b"])

    response = download(client, attachment)

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_instead_of_downloading(world, private_dir, client):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF)
    url = reverse("attachment-download", args=[attachment.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]


def test_an_attachment_missing_from_storage_is_a_404(world, private_dir, login):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF)
    (private_dir / attachment.file.name).unlink()
    client = login(world.personas["submitter_a"])

    response = download(client, attachment)

    assert response.status_code == 404


# --- History -----------------------------------------------------------------------------------


def test_creating_an_attachment_records_one_history_row_with_the_uploader(world, private_dir):
    attachment = create(world, "board-paper.pdf", MINIMAL_PDF)

    records = list(attachment.history.all())
    assert len(records) == 1
    assert records[0].history_type == "+"
    assert records[0].history_user == world.personas["submitter_a"]
    assert records[0].original_name == "board-paper.pdf"


def test_the_attachment_factory_stores_a_downloadable_file(world, client):
    from tests.factories import AttachmentFactory

    attachment = AttachmentFactory(organisation=world.org_a, uploaded_by=world.personas["admin"])
    client.force_login(world.personas["submitter_a"])
    response = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%test\n"
