"""Uploaded files are judged by their content: each kind accepted, every disguise refused.

Every file here is built in the test, as small as its format allows, so that what is checked is
the content a person could really send. Refusals assert the message a person reads (in English,
Arabic and French), that it names the file without echoing its content, and that nothing came
out to be saved.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, PngImagePlugin

from madina.core import uploads
from madina.core.forms import BootstrapMixin
from madina.core.uploads import (
    EVIDENCE_KINDS,
    MIB,
    CheckedUpload,
    EvidenceFileField,
    Kind,
    RandomFileName,
    UploadValidator,
    check_upload,
    clean_original_name,
    content_type_for,
    new_storage_name,
)

ALL_KINDS = tuple(Kind)
LIMIT = 10 * MIB


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English unless a test says otherwise."""
    with translation.override("en"):
        yield


# -- minimal files of every format ------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def image_bytes(pillow_format: str, **options) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(output, format=pillow_format, **options)
    return output.getvalue()


def zip_bytes(members: dict[str, bytes], *, first: tuple[str, bytes] | None = None) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


def content_types(*overrides: tuple[str, str]) -> bytes:
    parts = "".join(
        f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{parts}</Types>"
    ).encode()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": content_types(("/word/document.xml", DOCX_MAIN)),
            "word/document.xml": b"<w:document/>",
        }
    )


def pptx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": content_types(("/ppt/presentation.xml", PPTX_MAIN)),
            "ppt/presentation.xml": b"<p:presentation/>",
        }
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "جماعة الناظور"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def odf_bytes(mimetype: str, extra: dict[str, bytes] | None = None) -> bytes:
    return zip_bytes(
        {"content.xml": b"<office:document-content/>", **(extra or {})},
        first=("mimetype", mimetype.encode()),
    )


def ebml_webm() -> bytes:
    doctype = b"\x42\x82\x84webm"
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(doctype)]) + doctype + b"\x00" * 32


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00\x00\x00\x08free"


ACCEPTED = {
    "note.pdf": PDF,
    "photo.jpg": image_bytes("JPEG"),
    "photo.jpeg": image_bytes("JPEG"),
    "scan.png": image_bytes("PNG"),
    "scan.webp": image_bytes("WEBP"),
    "report.docx": docx_bytes(),
    "reach.xlsx": xlsx_bytes(),
    "slides.pptx": pptx_bytes(),
    "minutes.odt": odf_bytes("application/vnd.oasis.opendocument.text"),
    "figures.ods": odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
    "notes.txt": "محضر الاجتماع\nCompte rendu de la réunion\n".encode(),
    "list.csv": "\ufeffcommune;nombre\nالناظور;12\n".encode(),
    "capsule.mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 64,
    "capsule.ogg": b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e" + b"\x01vorbis" + b"\x00" * 30,
    "capsule.m4a": ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"),
    "capsule.mp4": ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"),
    "capsule.webm": ebml_webm(),
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes, *, kinds=ALL_KINDS, max_bytes=LIMIT) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), kinds=kinds, max_bytes=max_bytes)
    return caught.value


def message(error: ValidationError) -> str:
    # The file's name is isolated for right-to-left text (U+2068 … U+2069); read it without.
    return error.messages[0].replace("\u2068", "").replace("\u2069", "")


# -- accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_every_format_is_accepted_with_its_type_and_a_random_name(name):
    checked = check_upload(upload(name, ACCEPTED[name]), kinds=ALL_KINDS, max_bytes=LIMIT)
    assert isinstance(checked, CheckedUpload)
    extension = "." + name.rsplit(".", 1)[1]
    assert extension in checked.format.extensions
    assert checked.content_type == uploads.FORMATS[checked.format.name].content_type
    assert checked.original_name == name
    assert checked.name.endswith(extension) and name.split(".")[0] not in checked.name
    assert checked.size == len(ACCEPTED[name])
    assert b"".join(checked.chunks()) == ACCEPTED[name]


def test_content_types_to_serve_come_from_the_registry():
    assert content_type_for("3f2a.pdf") == "application/pdf"
    assert content_type_for("3f2a.JPG") == "image/jpeg"
    assert content_type_for("3f2a.svg") == "application/octet-stream"
    assert content_type_for("3f2a") == "application/octet-stream"


def test_kinds_limit_what_is_accepted():
    error = refusal("note.pdf", PDF, kinds=[Kind.IMAGE])
    assert message(error) == (
        "The file “note.pdf” is not of a type accepted here. Accepted: .jpg, .jpeg, .png, .webp."
    )
    assert error.code == "upload_type"


@pytest.mark.parametrize("name", ["setup.exe", "page.html", "logo.svg", "run.sh", "noextension"])
def test_names_outside_the_registry_are_refused(name):
    assert refusal(name, b"whatever").code == "upload_type"


# -- content that is not what its name says ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "scan.pdf",
            image_bytes("PNG"),
            "The file “scan.pdf” is not a PDF document: its content is a PNG image.",
        ),
        (
            "photo.jpg",
            PDF,
            "The file “photo.jpg” is not a JPEG image: its content is a PDF document.",
        ),
        (
            "photo.jpg",
            image_bytes("PNG"),
            "The file “photo.jpg” is not a JPEG image: its content is a PNG image.",
        ),
        (
            "report.pdf",
            b"<!DOCTYPE html><html><body><script>steal()</script></body></html>",
            "The file “report.pdf” is not a PDF document: its content is a web page (HTML).",
        ),
        (
            "scan.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "The file “scan.png” is not a PNG image: its content is an SVG image, which can "
            "carry scripts.",
        ),
        (
            "notes.txt",
            b"<svg onload=alert(1)>",
            "The file “notes.txt” is not a text file: its content is an SVG image, which can "
            "carry scripts.",
        ),
        (
            "notes.txt",
            b"Minutes\n<p>hello</p>\n<script src=//evil></script>\n",
            "The file “notes.txt” is not a text file: its content is a web page (HTML).",
        ),
        (
            "report.docx",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            "The file “report.docx” is not a Word document (.docx): its content is a Windows "
            "program.",
        ),
        (
            "reach.xlsx",
            zip_bytes({"readme.txt": b"hello", "data/list.csv": b"a,b\n"}),
            "The file “reach.xlsx” is not an Excel workbook (.xlsx): its content is a ZIP archive.",
        ),
        (
            "reach.xlsx",
            docx_bytes(),
            "The file “reach.xlsx” is not an Excel workbook (.xlsx): its content is a Word "
            "document (.docx).",
        ),
        (
            "report.pdf",
            zip_bytes({"a.txt": b"a"}),
            "The file “report.pdf” is not a PDF document: its content is a ZIP archive.",
        ),
        (
            "figures.ods",
            odf_bytes("application/vnd.oasis.opendocument.graphics"),
            "The file “figures.ods” is not an OpenDocument spreadsheet (.ods): its content is "
            "an Office document of another type.",
        ),
        (
            "report.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "The file “report.docx” is not a Word document (.docx): its content is an "
            "old-format Office document (.doc, .xls or .ppt), which can carry macros.",
        ),
        (
            "notes.txt",
            b"#!/bin/sh\nrm -rf /\n",
            "The file “notes.txt” is not a text file: its content is a script.",
        ),
        (
            "notes.txt",
            PDF,
            "The file “notes.txt” is not a text file: its content is a PDF document.",
        ),
        (
            "capsule.mp4",
            ftyp(b"heic", b"mif1", b"heic"),
            "The file “capsule.mp4” is not an MP4 video: its content is an audio or video "
            "file of another format.",
        ),
        (
            "capsule.ogg",
            b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x2a" + b"\x80theora" + b"\x00" * 30,
            "The file “capsule.ogg” is not an Ogg audio file: its content is an audio or video "
            "file of another format.",
        ),
        (
            "report.pdf",
            bytes(range(256)) * 4,
            "The file “report.pdf” is not a PDF document: its content was not recognised.",
        ),
    ],
)
def test_content_that_is_not_what_the_name_says_is_refused(name, content, expected):
    error = refusal(name, content)
    assert message(error) == expected
    assert error.code == "upload_content"


@pytest.mark.parametrize(
    "content",
    [b"<< Compte rendu >>\n", "<الناظور> 12 شخصًا\n".encode(), b"<commune>;<nombre>\n"],
)
def test_text_that_only_starts_with_a_bracket_is_text(content):
    checked = check_upload(upload("notes.txt", content), kinds=[Kind.TEXT], max_bytes=LIMIT)
    assert checked.format.name == "txt"


def test_text_that_is_not_utf8_is_refused_with_advice():
    error = refusal("list.csv", "commune;nombre\nOujda;12\n".encode("utf-16"))
    assert message(error) == (
        "The file “list.csv” is not text saved as UTF-8. Save it again as UTF-8 text."
    )


def test_a_text_file_may_end_in_the_middle_of_a_character_past_the_head():
    content = ("ا" * (uploads.HEAD_BYTES // 2 - 1) + "\nب").encode()
    assert len(content) > uploads.HEAD_BYTES
    checked = check_upload(upload("long.txt", content), kinds=[Kind.TEXT], max_bytes=LIMIT)
    assert checked.format.name == "txt"


def test_a_message_never_echoes_the_content():
    secret = b"SURVIVOR-NAME-Fatima"
    for name, content in [
        ("a.pdf", b"<html><body>" + secret + b"</body></html>"),
        ("a.txt", b"<script>" + secret + b"</script>"),
        ("a.docx", b"MZ" + secret),
        ("a.xlsx", zip_bytes({secret.decode(): secret})),
    ]:
        error = refusal(name, content)
        assert secret.decode() not in message(error)


# -- office files: macros, bombs, passwords ---------------------------------------------------


def test_macro_enabled_names_are_refused():
    error = refusal("budget.xlsm", xlsx_bytes())
    assert message(error) == (
        "The file “budget.xlsm” may contain macros, which can run programs on the reader’s "
        "computer. Save it again without macros (as .docx, .xlsx or .pptx)."
    )
    assert error.code == "upload_macros"
    assert refusal("letter.docm", docx_bytes()).code == "upload_macros"


@pytest.mark.parametrize(
    "content",
    [
        # A workbook with a VBA project, renamed .xlsx.
        zip_bytes(
            {
                "[Content_Types].xml": content_types(
                    ("/xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
                    ("/xl/vbaProject.bin", "application/vnd.ms-office.vbaProject"),
                ),
                "xl/workbook.xml": b"<workbook/>",
                "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0",
            }
        ),
        # The content type says macros, though the project is missing.
        zip_bytes(
            {
                "[Content_Types].xml": content_types(
                    ("/xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                ),
                "xl/workbook.xml": b"<workbook/>",
            }
        ),
        # A VBA project hidden in an otherwise plain workbook.
        zip_bytes(
            {
                "[Content_Types].xml": content_types(("/xl/workbook.xml", XLSX_MAIN)),
                "xl/workbook.xml": b"<workbook/>",
                "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0",
            }
        ),
    ],
    ids=["macro-workbook", "macro-content-type", "hidden-vba-project"],
)
def test_workbooks_with_macros_are_refused_whatever_their_name(content):
    assert refusal("budget.xlsx", content).code == "upload_macros"


def test_opendocument_with_basic_macros_is_refused():
    content = odf_bytes(
        "application/vnd.oasis.opendocument.spreadsheet",
        {"Basic/Standard/Module1.xml": b"<script:module/>"},
    )
    assert refusal("figures.ods", content).code == "upload_macros"


def test_a_zip_bomb_is_refused_without_being_inflated():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(("/xl/workbook.xml", XLSX_MAIN)))
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\x00" * MIB
            for _ in range(40):
                member.write(chunk)
    content = output.getvalue()
    assert len(content) < MIB
    error = refusal("reach.xlsx", content)
    assert message(error) == (
        "The file “reach.xlsx” expands to far too much data when opened: it is refused."
    )
    assert error.code == "upload_zip_bomb"


def test_a_zip_declaring_too_much_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED", 1000)
    content = zip_bytes(
        {
            "[Content_Types].xml": content_types(("/word/document.xml", DOCX_MAIN)),
            "word/document.xml": bytes(range(256)) * 8,
        }
    )
    assert refusal("report.docx", content).code == "upload_zip_bomb"


def test_a_zip_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 3)
    members = {f"word/part{index}.xml": b"<x/>" for index in range(4)}
    content = zip_bytes(
        {"[Content_Types].xml": content_types(("/word/document.xml", DOCX_MAIN)), **members}
    )
    assert refusal("report.docx", content).code == "upload_zip_bomb"


def test_a_password_protected_zip_document_is_refused():
    content = bytearray(docx_bytes())
    # Mark every member encrypted (bit 0 of the flags), in the local and central headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = content.find(signature)
        while start != -1:
            content[start + offset] |= 0x01
            start = content.find(signature, start + 1)
    error = refusal("report.docx", bytes(content))
    assert message(error) == (
        "The file “report.docx” is protected by a password. Save it again without a password."
    )


# -- size -------------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    error = refusal("note.pdf", b"")
    assert message(error) == "The file “note.pdf” is empty."
    assert error.code == "upload_empty"


class HugeUpload:
    """An upload that says it is a terabyte and must not be read at all."""

    name = "scan.pdf"
    size = 1 << 40

    def read(self, *args):
        raise AssertionError("an oversized file was read")

    def seek(self, *args):
        return 0

    def tell(self):
        return 0


def test_an_oversized_file_is_refused_before_anything_is_read():
    with pytest.raises(ValidationError) as caught:
        check_upload(HugeUpload(), kinds=[Kind.PDF], max_bytes=LIMIT)
    assert message(caught.value) == "The file “scan.pdf” is larger than 10 MB."
    assert caught.value.code == "upload_size"


def test_the_limit_is_said_with_a_decimal_when_it_has_one():
    error = refusal("note.pdf", PDF + b" " * MIB, max_bytes=MIB // 2)
    assert message(error) == "The file “note.pdf” is larger than 0.5 MB."


def test_the_size_of_a_file_without_a_size_attribute_is_measured():
    stream = io.BytesIO(b"")
    stream.name = "note.pdf"
    with pytest.raises(ValidationError) as caught:
        check_upload(stream, kinds=[Kind.PDF], max_bytes=LIMIT)
    assert caught.value.code == "upload_empty"
    stream = io.BytesIO(PDF)
    stream.name = "note.pdf"
    assert check_upload(stream, kinds=[Kind.PDF], max_bytes=LIMIT).size == len(PDF)


# -- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "الملف «scan.pdf» ليس مستند PDF: محتواه صورة PNG."),
        (
            "fr",
            "Le fichier « scan.pdf » n’est pas un document PDF : son contenu est une image PNG.",
        ),
    ],
)
def test_a_content_refusal_is_translated(language, expected):
    with translation.override(language):
        error = refusal("scan.pdf", image_bytes("PNG"))
    assert message(error) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "حجم الملف «scan.pdf» أكبر من 10 ميغابايت."),
        ("fr", "Le fichier « scan.pdf » dépasse 10 Mo."),
    ],
)
def test_a_size_refusal_is_translated(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        check_upload(HugeUpload(), kinds=[Kind.PDF], max_bytes=LIMIT)
    assert message(caught.value) == expected


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_refusal_is_translated(language):
    """No English sentence is left in any refusal, whichever check makes it."""
    cases = [
        ("a.exe", b"MZ"),
        ("a.xlsm", xlsx_bytes()),
        ("a.pdf", b""),
        ("a.pdf", b"<html></html>"),
        ("a.pdf", bytes(range(256))),
        ("a.csv", "x".encode("utf-16")),
        ("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16),
        ("a.docx", zip_bytes({"a.txt": b"a"})),
        ("a.mp4", ftyp(b"heic", b"heic")),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
    ]
    for name, content in cases:
        english = message(refusal(name, content))
        with translation.override(language):
            translated = message(refusal(name, content))
        assert translated != english, (name, translated)
        assert "The file" not in translated and "The image" not in translated


# -- names ------------------------------------------------------------------------------------


def test_original_names_lose_folders_and_reordering_characters():
    assert clean_original_name("C:\\Users\\fatima\\rapport.pdf") == "rapport.pdf"
    assert clean_original_name("../../etc/passwd") == "passwd"
    # U+202E would show "rapport\u202efdp.exe" as "rapportexe.pdf".
    assert clean_original_name("rapport\u202efdp.exe") == "rapportfdp.exe"
    assert clean_original_name("  محضر \n الاجتماع.pdf ") == "محضر الاجتماع.pdf"
    long = clean_original_name("ا" * 300 + ".pdf")
    assert len(long) == uploads.ORIGINAL_NAME_MAX and long.endswith(".pdf")


def test_a_name_that_hides_its_real_extension_is_judged_by_the_real_one():
    assert refusal("rapport\u202efdp.exe", PDF).code == "upload_type"


def test_storage_names_are_random_and_keep_only_a_known_extension():
    first, second = new_storage_name(".PDF"), new_storage_name(".pdf")
    assert first != second and first.endswith(".pdf") and len(first) == 36
    assert "." not in new_storage_name(".exe")
    to = RandomFileName("evidence/")
    path = to(None, "محضر فاطمة.jpg")
    folder, fan, name = path.split("/")
    assert folder == "evidence" and name.startswith(fan) and name.endswith(".jpg")
    assert "فاطمة" not in path
    assert to.deconstruct() == ("madina.core.uploads.RandomFileName", ("evidence/",), {})
    assert to == RandomFileName("evidence")


# -- form field and model validator -----------------------------------------------------------


class EvidenceForm(BootstrapMixin, forms.Form):
    file = EvidenceFileField(label="evidence", kinds=EVIDENCE_KINDS, max_bytes=LIMIT)


def test_the_form_field_gives_a_checked_upload():
    form = EvidenceForm(files={"file": upload("note.pdf", PDF)})
    assert form.is_valid(), form.errors
    checked = form.cleaned_data["file"]
    assert isinstance(checked, CheckedUpload) and checked.format.name == "pdf"


def test_the_form_field_offers_and_explains_the_accepted_extensions():
    field = EvidenceForm()["file"]
    assert ".pdf" in field.field.widget.attrs["accept"].split(",")
    assert ".mp4" not in field.field.widget.attrs["accept"]
    assert str(field.help_text).endswith("At most 10 MB.")
    with translation.override("fr"):
        assert str(field.help_text).startswith("Acceptés :")


def test_the_form_field_refuses_an_empty_file_with_its_own_message():
    form = EvidenceForm(files={"file": upload("note.pdf", b"")})
    assert not form.is_valid()
    assert form.errors["file"] == ["The file “\u2068note.pdf\u2069” is empty."]


def test_a_file_name_with_markup_is_escaped_where_it_is_shown():
    name = '<img src=x onerror="alert(1)">.pdf'
    form = EvidenceForm(files={"file": upload(name, image_bytes("PNG"))})
    assert not form.is_valid()
    html = render_to_string("includes/field.html", {"field": form["file"]})
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf" in html
    assert "<img" not in html


def test_the_model_validator_checks_new_files_and_lets_stored_ones_be():
    validator = UploadValidator(kinds=[Kind.PDF], max_bytes=LIMIT)
    validator(upload("note.pdf", PDF))
    with pytest.raises(ValidationError):
        validator(upload("note.pdf", image_bytes("PNG")))
    stored = FieldFile(None, models.FileField(), "evidence/3f/3f2a.pdf")
    validator(stored)  # not opened: it would fail, there is no such file
    assert validator.deconstruct()[0] == "madina.core.uploads.UploadValidator"
    assert validator == UploadValidator(kinds=["pdf"], max_bytes=LIMIT)


# -- images -----------------------------------------------------------------------------------


def photo_with_gps(pillow_format: str = "JPEG", orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 10.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (2.0, 55.0, 30.0),
    }
    options = {"exif": exif}
    if pillow_format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Fatima")
        options["pnginfo"] = info
    if pillow_format == "JPEG":
        options["comment"] = b"taken at the shelter"
    return image_bytes(pillow_format, **options)


def gps_of(content: bytes) -> dict:
    with Image.open(io.BytesIO(content)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


@pytest.mark.parametrize(
    ("name", "pillow_format"), [("p.jpg", "JPEG"), ("p.png", "PNG"), ("p.webp", "WEBP")]
)
def test_strip_metadata_removes_the_gps_position(name, pillow_format):
    original = photo_with_gps(pillow_format)
    assert gps_of(original), "the test photo must carry a GPS position"
    checked = check_upload(
        upload(name, original), kinds=[Kind.IMAGE], max_bytes=LIMIT, strip_metadata=True
    )
    stripped = b"".join(checked.chunks())
    assert checked.size == len(stripped)
    assert gps_of(stripped) == {}
    assert b"PhoneMaker" not in stripped and b"Fatima" not in stripped
    assert b"shelter" not in stripped
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.format == pillow_format and image.size == (40, 20)
        assert not image.getexif()


def test_strip_metadata_keeps_the_photo_upright():
    # Orientation 6: the camera was turned; the pixels are rotated instead of the tag kept.
    checked = check_upload(
        upload("p.jpg", photo_with_gps(orientation=6)),
        kinds=[Kind.IMAGE],
        max_bytes=LIMIT,
        strip_metadata=True,
    )
    with Image.open(checked) as image:
        assert image.size == (20, 40)


def test_without_strip_metadata_the_image_is_kept_as_sent():
    original = photo_with_gps()
    checked = check_upload(upload("p.jpg", original), kinds=[Kind.IMAGE], max_bytes=LIMIT)
    assert b"".join(checked.chunks()) == original


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(uploads, "IMAGE_MAX_PIXELS", 799)
    error = refusal("scan.png", image_bytes("PNG"))
    assert message(error) == "The image “scan.png” has too many pixels: at most 0 million."


def test_a_damaged_image_is_refused():
    error = refusal("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16)
    assert message(error) == "The image “photo.jpg” cannot be read: it may be damaged."


# -- whatever the bytes -----------------------------------------------------------------------

SIGNATURES = [b"", b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP"]
SIGNATURES += [b"PK\x03\x04", b"OggS", b"\x1a\x45\xdf\xa3", b"ID3", b"\x00\x00\x00\x18ftyp"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extension=st.sampled_from(sorted(uploads._BY_EXTENSION)),
    prefix=st.sampled_from(SIGNATURES),
    body=st.binary(max_size=2048),
)
def test_any_bytes_give_a_checked_upload_or_a_validation_error(extension, prefix, body):
    try:
        checked = check_upload(
            upload(f"file{extension}", prefix + body),
            kinds=ALL_KINDS,
            max_bytes=LIMIT,
            strip_metadata=True,
        )
    except ValidationError as error:
        assert error.code.startswith("upload_")
    else:
        assert extension in checked.format.extensions


@settings(max_examples=100, deadline=None)
@given(junk=st.binary(min_size=1, max_size=512))
def test_a_real_document_with_junk_in_its_zip_never_breaks_the_check(junk):
    content = bytearray(docx_bytes())
    position = len(content) // 2
    content[position : position + len(junk)] = junk
    try:
        check_upload(upload("report.docx", bytes(content)), kinds=ALL_KINDS, max_bytes=LIMIT)
    except ValidationError as error:
        assert error.code.startswith("upload_")


def test_a_zip_needing_a_newer_version_to_open_is_refused_as_a_zip():
    content = bytearray(docx_bytes())
    start = content.find(b"PK\x01\x02")
    while start != -1:
        content[start + 6] = 75  # "version needed to extract": 7.5, which zipfile cannot read
        start = content.find(b"PK\x01\x02", start + 1)
    error = refusal("report.docx", bytes(content))
    assert message(error).endswith("its content is a ZIP archive.")
