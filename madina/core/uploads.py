"""Uploaded files — evidence, documents, photos, media — checked by their content, not their name.

Every app that accepts a file asks the same question here: is this really one of the kinds of
file allowed at this place, no larger than the limit? ``check_upload`` answers from the file's
first bytes (and, for office documents, from the zip's central directory), so a PNG named
``.pdf``, a web page named ``.pdf``, a Windows program named ``.docx``, a workbook with macros, a
zip bomb or an empty file are each refused with a translated message that names the file — never
its content. Executables, scripts, HTML, SVG (which can carry scripts), old-format Office files
(which can carry macros) and archives are refused whatever their name, because no kind allows them.

Forms use ``EvidenceFileField``; models add ``UploadValidator`` to a ``FileField`` and store files
under ``RandomFileName``: a random name that says nothing about the person or the file, the
original name being kept apart (``clean_original_name``) to be shown and offered on download.
The MIME type to serve a stored file with comes from the registry (``content_type_for``), never
from what the browser claimed.

Images can be re-encoded without their metadata (``strip_metadata=True``): a phone photo's EXIF
holds the GPS position where it was taken, which must not leak with the evidence.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MIB = 1024 * 1024
# Enough for every signature below and for judging whether a text file is UTF-8 text.
HEAD_BYTES = 64 * 1024
# Office documents are zips. What one may hold once inflated, in all (its declared sizes), and how
# much more than its compressed size when it is large: real documents stay far below both.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNCOMPRESSED = 256 * MIB
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM = 10 * MIB
# The zip members read to tell the document's type, read no further than this.
ZIP_MEMBER_READ = 1 * MIB
# A photo from a phone is 12 to 50 million pixels; more is a decompression bomb, not evidence.
IMAGE_MAX_PIXELS = 60_000_000
JPEG_QUALITY = 90


class Kind(StrEnum):
    """What a place accepts, as the brief of each app says it: "PDF, images and office files"."""

    PDF = "pdf"
    IMAGE = "image"
    OFFICE = "office"
    TEXT = "text"
    AUDIO = "audio"
    VIDEO = "video"


@dataclass(frozen=True)
class Format:
    """One format of file a kind allows: its extensions, the type it is served as, its name."""

    name: str
    kind: Kind
    extensions: tuple[str, ...]
    content_type: str
    label: str | Promise  # "a PDF document": what the file should be, or what its content is
    pillow: str = ""  # Pillow's name for an image format


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("pdf", Kind.PDF, (".pdf",), "application/pdf", _("a PDF document")),
        Format("jpeg", Kind.IMAGE, (".jpg", ".jpeg"), "image/jpeg", _("a JPEG image"), "JPEG"),
        Format("png", Kind.IMAGE, (".png",), "image/png", _("a PNG image"), "PNG"),
        Format("webp", Kind.IMAGE, (".webp",), "image/webp", _("a WebP image"), "WEBP"),
        Format(
            "docx",
            Kind.OFFICE,
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _("a Word document (.docx)"),
        ),
        Format(
            "xlsx",
            Kind.OFFICE,
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _("an Excel workbook (.xlsx)"),
        ),
        Format(
            "pptx",
            Kind.OFFICE,
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _("a PowerPoint presentation (.pptx)"),
        ),
        Format(
            "odt",
            Kind.OFFICE,
            (".odt",),
            "application/vnd.oasis.opendocument.text",
            _("an OpenDocument text (.odt)"),
        ),
        Format(
            "ods",
            Kind.OFFICE,
            (".ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
            _("an OpenDocument spreadsheet (.ods)"),
        ),
        Format("txt", Kind.TEXT, (".txt",), "text/plain; charset=utf-8", _("a text file")),
        Format("csv", Kind.TEXT, (".csv",), "text/csv; charset=utf-8", _("a CSV file")),
        Format("mp3", Kind.AUDIO, (".mp3",), "audio/mpeg", _("an MP3 audio file")),
        Format("ogg", Kind.AUDIO, (".ogg", ".oga", ".opus"), "audio/ogg", _("an Ogg audio file")),
        Format("m4a", Kind.AUDIO, (".m4a",), "audio/mp4", _("an M4A audio file")),
        Format("mp4", Kind.VIDEO, (".mp4",), "video/mp4", _("an MP4 video")),
        Format("webm", Kind.VIDEO, (".webm",), "video/webm", _("a WebM video")),
    )
}
_BY_EXTENSION = {ext: fmt for fmt in FORMATS.values() for ext in fmt.extensions}
# Office extensions that announce macros: refused with their own message.
MACRO_EXTENSIONS = frozenset(
    (".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".xlsb", ".pptm", ".potm", ".ppsm", ".sldm")
)
# Evidence attached to a record: documents, photos and tables.
EVIDENCE_KINDS = (Kind.PDF, Kind.IMAGE, Kind.OFFICE, Kind.TEXT)

# Contents that no kind allows, named in the refusal ("its content is a Windows program").
_TEXT = _("plain text")
_ZIP = _("a ZIP archive")
_OTHER_OFFICE = _("an Office document of another type")
_OTHER_MP4 = _("an audio or video file of another format")
_BINARY_CONTENTS: tuple[tuple[Callable[[bytes], bool], str | Promise], ...] = (
    (lambda head: head.startswith(b"MZ"), _("a Windows program")),
    (lambda head: head.startswith(b"\x7fELF"), _("a Linux program")),
    (
        lambda head: (
            head[:4]
            in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
            or head.startswith(b"\xca\xfe\xba\xbe")
        ),
        _("a program for macOS or Java"),
    ),
    (lambda head: head.startswith(b"#!"), _("a script")),
    (
        lambda head: head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        _("an old-format Office document (.doc, .xls or .ppt), which can carry macros"),
    ),
    (lambda head: head.startswith((b"GIF87a", b"GIF89a")), _("a GIF image")),
    (lambda head: head.startswith(b"{\\rtf"), _("an RTF document")),
    (
        lambda head: head.startswith((b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")),
        _("a compressed archive"),
    ),
)
_SVG = _("an SVG image, which can carry scripts")
_HTML = _("a web page (HTML)")
_XML = _("an XML document")
# Markup a browser would run or draw, anywhere in the head: SVG, and HTML that runs or embeds.
_SVG_TAG = re.compile(rb"<svg[\s>/]", re.IGNORECASE)
_ACTIVE_HTML = re.compile(
    rb"<(script|html|iframe|frameset|object|embed|!doctype\s+html)[\s>/]", re.I
)
# A file that starts like an HTML page or fragment (after spaces and a byte order mark).
_HTML_START = re.compile(
    rb"<(!doctype\s+html|html|head|body|meta|a\s|img\s|style|div|p[\s>]|title|table|form|link"
    rb"|base|!--)",
    re.IGNORECASE,
)
_XML_START = re.compile(rb"<(\?xml|!doctype|[a-z_][\w:.-]*[\s>/])", re.IGNORECASE)

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_ODF_MIMETYPE = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Content types and zip members that mean macros (VBA projects, Excel 4 macro sheets, ODF Basic).
_MACRO_TYPES = ("macroenabled", "vbaproject", "macrosheet")
_MACRO_MEMBERS = re.compile(r"(^|/)vbaproject\.bin$|(^|/)vbadata\.xml$|^basic/|^scripts/", re.I)
# What a damaged or unusual zip makes the zipfile module raise (an unknown version or method
# raises NotImplementedError; a member that needs a password, RuntimeError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)
_CONTENT_TYPE_ATTRIBUTE = re.compile(rb"""ContentType\s*=\s*["']([^"']+)["']""")
# Brands of the ISO media ("MP4") container, in the ftyp box at the start of the file.
_M4A_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"dash"}
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"mmp4",
    b"dash",
    b"MSNV",
}
_OGG_AUDIO_CODECS = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ")
ORIGINAL_NAME_MAX = 200


class CheckedUpload(File):
    """A file that passed ``check_upload``, ready to be saved as it is.

    Its ``name`` is a random storage name with the right extension; ``original_name`` is the
    sanitised name the person gave it; ``content_type`` is the type to serve it with. If its
    metadata was stripped, it holds the re-encoded image, not the upload.
    """

    def __init__(self, file: Any, *, name: str, original_name: str, format: Format, size: int):
        super().__init__(file, name=name)
        self.original_name = original_name
        self.format = format
        self.size = size

    @property
    def kind(self) -> Kind:
        return self.format.kind

    @property
    def content_type(self) -> str:
        return self.format.content_type


# -- names -----------------------------------------------------------------------------------


def clean_original_name(name: str) -> str:
    """The name to keep and show: no folders, no control or reordering characters, not too long.

    Markup is left as it is: templates escape it, and ``FileResponse`` encodes it for download.
    """
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters (category C) go, among them those that reorder text:
    # "report\u202efdp.exe" would show as "reportexe.pdf".
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(".").strip()
    if len(name) > ORIGINAL_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: ORIGINAL_NAME_MAX - len(extension) - 1]}.{extension}"
        else:
            name = name[:ORIGINAL_NAME_MAX]
    return name


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def new_storage_name(extension: str) -> str:
    """A random file name that says nothing of the person or the file: ``3f2a…c1.pdf``.

    Only an extension of the registry is kept; any other is dropped.
    """
    extension = extension.lower() if extension.lower() in _BY_EXTENSION else ""
    return f"{secrets.token_hex(16)}{extension}"


@deconstructible
class RandomFileName:
    """``upload_to`` of a model ``FileField``: ``RandomFileName("evidence")`` stores a file as
    ``evidence/3f/3f2a…c1.pdf`` (the two-letter folder keeps folders small)."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        name = new_storage_name(_extension(filename))
        return f"{self.folder}/{name[:2]}/{name}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomFileName) and other.folder == self.folder


def content_type_for(name: str) -> str:
    """The MIME type to serve a stored file with, from its (checked) extension."""
    fmt = _BY_EXTENSION.get(_extension(name))
    return fmt.content_type if fmt else "application/octet-stream"


def extensions_for(kinds: Iterable[str]) -> tuple[str, ...]:
    """The extensions the kinds allow, in the registry's order (for ``accept`` and help texts)."""
    wanted = {Kind(kind) for kind in kinds}
    return tuple(ext for fmt in FORMATS.values() if fmt.kind in wanted for ext in fmt.extensions)


def limit_text(max_bytes: int) -> str:
    """``10`` or ``0,5`` (in the active language's notation): the limit in MB, for messages."""
    megabytes = max_bytes / MIB
    return number_format(megabytes, decimal_pos=0 if megabytes.is_integer() else 1)


# -- messages (whole sentences; the file's name is isolated so that it reads right in Arabic) --


def _shown(name: str) -> str:
    return f"\u2068{name}\u2069"


def _refuse(message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError(message % params, code=code)


def _not_accepted(name: str, kinds: Iterable[Kind]) -> ValidationError:
    return _refuse(
        gettext("The file “%(name)s” is not of a type accepted here. Accepted: %(extensions)s."),
        "upload_type",
        name=_shown(name),
        extensions=", ".join(extensions_for(kinds)),
    )


def _macros(name: str) -> ValidationError:
    return _refuse(
        gettext(
            "The file “%(name)s” may contain macros, which can run programs on the reader’s "
            "computer. Save it again without macros (as .docx, .xlsx or .pptx)."
        ),
        "upload_macros",
        name=_shown(name),
    )


def _mismatch(name: str, expected: Format, actual: str | Promise | None) -> ValidationError:
    if actual is None:
        return _refuse(
            gettext("The file “%(name)s” is not %(expected)s: its content was not recognised."),
            "upload_content",
            name=_shown(name),
            expected=expected.label,
        )
    return _refuse(
        gettext("The file “%(name)s” is not %(expected)s: its content is %(actual)s."),
        "upload_content",
        name=_shown(name),
        expected=expected.label,
        actual=actual,
    )


def _zip_bomb(name: str) -> ValidationError:
    return _refuse(
        gettext("The file “%(name)s” expands to far too much data when opened: it is refused."),
        "upload_zip_bomb",
        name=_shown(name),
    )


# -- recognising content ----------------------------------------------------------------------


def _is_mp3(head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    # An MPEG audio frame header: 11 sync bits, a known version, a layer (ADTS/AAC has layer 0),
    # a bitrate and a sampling rate that exist. FF FE is the byte order mark of UTF-16 text.
    return (
        len(head) >= 4
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and head[1] != 0xFE
        and (head[1] >> 3) & 0x03 != 0x01
        and (head[1] >> 1) & 0x03 != 0x00
        and head[2] >> 4 not in (0x0, 0xF)
        and (head[2] >> 2) & 0x03 != 0x03
    )


def _mp4_brands(head: bytes) -> set[bytes]:
    """The brands of an ISO media file's ftyp box (major and compatible), or none."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return set()
    size = min(int.from_bytes(head[:4], "big"), len(head))
    return {head[8:12]} | {head[i : i + 4] for i in range(16, size - 3, 4)}


def _signature_format(head: bytes) -> str | None:
    """The format of the registry the first bytes announce (zip-based formats: ``zip``)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"OggS"):
        return "ogg" if any(codec in head[:128] for codec in _OGG_AUDIO_CODECS) else "other-ogg"
    brands = _mp4_brands(head)
    if brands:
        return "iso-media"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else "other-ebml"
    if _is_mp3(head):
        return "mp3"
    return None


def _stripped(head: bytes) -> bytes:
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()


def _active_markup(head: bytes) -> str | Promise | None:
    """SVG or HTML that a browser would draw or run, anywhere in the head; else None."""
    if _SVG_TAG.search(head):
        return _SVG
    if _ACTIVE_HTML.search(head) or _HTML_START.match(_stripped(head)):
        return _HTML
    return None


def _markup(head: bytes) -> str | Promise | None:
    """SVG, HTML or XML: what a file that starts with a tag is; None if it does not."""
    if not _XML_START.match(_stripped(head)):
        return None
    return _active_markup(head) or _XML


def _is_text(head: bytes, *, truncated: bool) -> bool:
    """Whether the head is UTF-8 text a person could have written (no NUL, few controls)."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A head cut short may end inside a character: that alone is no reason to refuse.
        cut = truncated and error.start >= len(head) - 3 and error.end == len(head)
        if not cut:
            return False
        text = head[: error.start].decode("utf-8", "replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return "\x00" not in text and controls <= len(text) // 100


def _describe(head: bytes) -> str | Promise | None:
    """What the content is, in words, for a refusal; None when it is not recognised."""
    signature = _signature_format(head)
    if signature in FORMATS:
        return FORMATS[signature].label
    if signature == "zip":
        return _ZIP
    if signature in ("iso-media", "other-ogg", "other-ebml"):
        return _OTHER_MP4
    for matches, label in _BINARY_CONTENTS:
        if matches(head):
            return label
    markup = _markup(head)
    if markup is not None:
        return markup
    return _TEXT if _is_text(head, truncated=True) else None


def _text_content(head: bytes, *, truncated: bool) -> tuple[bool, str | Promise | None]:
    """(is it UTF-8 text, what else it is): text that is also a script or markup is refused."""
    if not _is_text(head, truncated=truncated):
        return False, _describe(head)
    if head.startswith(b"#!"):
        return True, _describe(head)
    if _signature_format(head) in (*FORMATS, "zip"):
        return True, _describe(head)
    # Other XML, or text that merely starts with "<", is harmless served as text.
    return True, _active_markup(head)


def _zip_content(file: IO[bytes], size: int, name: str) -> tuple[str | None, str | Promise]:
    """The office format a zip holds (``docx``…) or None, and words for what it is.

    Only the central directory is read, and one small member at most (``[Content_Types].xml``
    or ``mimetype``), no further than ``ZIP_MEMBER_READ``. Zip bombs, encrypted documents and
    documents with macros are refused here.
    """
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except _ZIP_ERRORS:
        return None, _ZIP
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_ENTRIES:
            raise _zip_bomb(name)
        inflated = sum(member.file_size for member in members)
        compressed = sum(member.compress_size for member in members)
        # Members that share their compressed data (overlapping entries) claim more than the file.
        if compressed > size or inflated > ZIP_MAX_UNCOMPRESSED:
            raise _zip_bomb(name)
        if inflated > ZIP_RATIO_FROM and inflated > ZIP_MAX_RATIO * max(compressed, 1):
            raise _zip_bomb(name)
        if any(member.flag_bits & 0x1 for member in members):
            raise _refuse(
                gettext(
                    "The file “%(name)s” is protected by a password. Save it again without a "
                    "password."
                ),
                "upload_encrypted",
                name=_shown(name),
            )
        if any(_MACRO_MEMBERS.search(member.filename) for member in members):
            raise _macros(name)
        by_name = {member.filename: member for member in members}
        try:
            if "[Content_Types].xml" in by_name:
                with archive.open(by_name["[Content_Types].xml"]) as stream:
                    declared = stream.read(ZIP_MEMBER_READ)
                types = {
                    value.decode("ascii", "replace")
                    for value in _CONTENT_TYPE_ATTRIBUTE.findall(declared)
                }
                if any(marker in value.lower() for value in types for marker in _MACRO_TYPES):
                    raise _macros(name)
                found = {_OOXML_MAIN[value] for value in types if value in _OOXML_MAIN}
                if len(found) == 1:
                    fmt = found.pop()
                    return fmt, FORMATS[fmt].label
                return None, _OTHER_OFFICE
            if members and members[0].filename == "mimetype":
                with archive.open(members[0]) as stream:
                    mimetype = stream.read(256).strip()
                # OpenDocument: the first member, stored uncompressed, names the type.
                if members[0].compress_type == zipfile.ZIP_STORED and mimetype in _ODF_MIMETYPE:
                    fmt = _ODF_MIMETYPE[mimetype]
                    return fmt, FORMATS[fmt].label
                return None, _OTHER_OFFICE
        except _ZIP_ERRORS:
            return None, _ZIP
    return None, _ZIP


def _binary_content(
    file: IO[bytes], head: bytes, size: int, name: str, expected: Format
) -> tuple[str | None, str | Promise | None]:
    """The registry format the content is (or None), and words for what it is."""
    signature = _signature_format(head)
    if signature == "zip":
        return _zip_content(file, size, name)
    if signature == "iso-media":
        # MP4 and M4A share their container; the brands say which it may be.
        wanted = {"m4a": _M4A_BRANDS, "mp4": _MP4_BRANDS}.get(expected.name, set())
        if _mp4_brands(head) & wanted:
            return expected.name, expected.label
        return None, _OTHER_MP4
    if signature in FORMATS:
        return signature, FORMATS[signature].label
    return None, _describe(head)


# -- images -----------------------------------------------------------------------------------


def _open_image(file: IO[bytes], fmt: Format, name: str) -> Image.Image:
    """The image, header read, with its format and size checked (pixels not decoded yet)."""
    file.seek(0)
    try:
        image = Image.open(file, formats=[fmt.pillow])
    except Image.DecompressionBombError:
        raise _image_too_large(name) from None
    except Exception:  # a hostile file may trip any error of the parser
        raise _damaged_image(name) from None
    if image.width * image.height > IMAGE_MAX_PIXELS:
        image.close()
        raise _image_too_large(name)
    return image


def _damaged_image(name: str) -> ValidationError:
    return _refuse(
        gettext("The image “%(name)s” cannot be read: it may be damaged."),
        "upload_image",
        name=_shown(name),
    )


def _image_too_large(name: str) -> ValidationError:
    return _refuse(
        gettext("The image “%(name)s” has too many pixels: at most %(limit)s million."),
        "upload_image_pixels",
        name=_shown(name),
        limit=IMAGE_MAX_PIXELS // 1_000_000,
    )


def _without_metadata(image: Image.Image, fmt: Format, name: str) -> io.BytesIO:
    """The image re-encoded with its pixels, colour profile and transparency, nothing else.

    EXIF (GPS position, camera, date), XMP, IPTC and comments are dropped; the EXIF orientation
    is applied to the pixels first, so that the photo still stands the right way up.
    """
    if getattr(image, "is_animated", False):
        raise _refuse(
            gettext("The image “%(name)s” is animated: send a still image."),
            "upload_image_animated",
            name=_shown(name),
        )
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except Exception:  # a hostile file may trip any error of the decoder
        raise _damaged_image(name) from None
    kept = {key: image.info[key] for key in ("icc_profile", "transparency") if key in image.info}
    upright.info = {}
    options: dict[str, Any] = {"exif": b"", **kept}
    if fmt.pillow in ("JPEG", "WEBP"):
        options["quality"] = JPEG_QUALITY
    output = io.BytesIO()
    try:
        upright.save(output, format=fmt.pillow, **options)
    except Exception:  # a mode the format cannot write, or a decoder error surfacing late
        raise _damaged_image(name) from None
    output.seek(0)
    return output


# -- the check --------------------------------------------------------------------------------


def _size_of(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, io.SEEK_END)
        file.seek(position)
    return int(size)


def check_upload(
    file: Any,
    *,
    kinds: Iterable[str],
    max_bytes: int,
    strip_metadata: bool = False,
) -> CheckedUpload:
    """Check an uploaded file and return it ready to save, or raise a translated ValidationError.

    ``file`` is an ``UploadedFile`` (or any seekable binary file with a ``name``). The order is
    the cheapest first: the name's extension must belong to one of ``kinds``; the size must be
    above zero and at most ``max_bytes`` (nothing is read before that); then the content must be
    what the extension says. Images are opened by Pillow (header only) and, with
    ``strip_metadata``, re-encoded without their metadata.
    """
    kinds = tuple(Kind(kind) for kind in kinds)
    original_name = clean_original_name(getattr(file, "name", "") or "")
    extension = _extension(original_name)
    if extension in MACRO_EXTENSIONS and Kind.OFFICE in kinds:
        raise _macros(original_name)
    expected = _BY_EXTENSION.get(extension)
    if expected is None or expected.kind not in kinds:
        raise _not_accepted(original_name, kinds)

    size = _size_of(file)
    if size == 0:
        raise _refuse(
            gettext("The file “%(name)s” is empty."), "upload_empty", name=_shown(original_name)
        )
    if size > max_bytes:
        raise _refuse(
            gettext("The file “%(name)s” is larger than %(limit)s MB."),
            "upload_size",
            name=_shown(original_name),
            limit=limit_text(max_bytes),
        )

    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if expected.kind is Kind.TEXT:
        is_text, other = _text_content(head, truncated=size > len(head))
        if not is_text and other is None:
            raise _refuse(
                gettext(
                    "The file “%(name)s” is not text saved as UTF-8. Save it again as UTF-8 text."
                ),
                "upload_encoding",
                name=_shown(original_name),
            )
        if other is not None:
            raise _mismatch(original_name, expected, other)
    else:
        actual, described = _binary_content(file, head, size, original_name, expected)
        file.seek(0)
        if actual != expected.name:
            raise _mismatch(original_name, expected, described)

    content: Any = file
    if expected.kind is Kind.IMAGE:
        image = _open_image(file, expected, original_name)
        with image:
            if strip_metadata:
                content = _without_metadata(image, expected, original_name)
                size = len(content.getbuffer())
        file.seek(0)
    return CheckedUpload(
        content,
        name=new_storage_name(extension),
        original_name=original_name,
        format=expected,
        size=size,
    )


# -- forms and models -------------------------------------------------------------------------


def _help(extensions: tuple[str, ...], max_bytes: int) -> str:
    return gettext("Accepted: %(extensions)s. At most %(limit)s MB.") % {
        "extensions": ", ".join(extensions),
        "limit": limit_text(max_bytes),
    }


# "Accepted: .pdf, .jpg… At most 10 MB.", in the language of the page that shows it.
_upload_help = lazy(_help, str)


class EvidenceFileField(forms.FileField):
    """A form field whose cleaned value is a ``CheckedUpload`` (or None when left empty).

    ``EvidenceFileField(label=…, kinds=EVIDENCE_KINDS, max_bytes=10 * MIB)``. The help text says
    what is accepted unless one is given; the browser's file picker offers those extensions.
    """

    def __init__(
        self,
        *,
        kinds: Iterable[str],
        max_bytes: int,
        strip_metadata: bool = False,
        **kwargs: Any,
    ):
        self.kinds = tuple(Kind(kind) for kind in kinds)
        self.max_bytes = max_bytes
        self.strip_metadata = strip_metadata
        extensions = extensions_for(self.kinds)
        kwargs.setdefault("widget", forms.ClearableFileInput)
        kwargs.setdefault("help_text", _upload_help(extensions, max_bytes))
        # Emptiness is checked by check_upload, with a message that names the file.
        kwargs["allow_empty_file"] = True
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(extensions)

    def to_python(self, data: Any) -> CheckedUpload | None:
        upload = super().to_python(data)
        if upload is None:
            return None
        return check_upload(
            upload,
            kinds=self.kinds,
            max_bytes=self.max_bytes,
            strip_metadata=self.strip_metadata,
        )


@deconstructible
class UploadValidator:
    """A model ``FileField`` validator: ``validators=[UploadValidator(kinds=…, max_bytes=…)]``.

    Only a new file is checked (one not yet in storage): a stored file passed when it came in.
    It cannot strip metadata — a form's ``EvidenceFileField`` or a service calling
    ``check_upload`` does that before the file reaches the model.
    """

    def __init__(self, *, kinds: Iterable[str], max_bytes: int):
        self.kinds = tuple(Kind(kind).value for kind in kinds)
        self.max_bytes = max_bytes

    def __call__(self, value: Any) -> None:
        # FieldFile._committed is Django's own mark of a file already saved to storage.
        if isinstance(value, FieldFile) and value._committed:
            return
        check_upload(value, kinds=self.kinds, max_bytes=self.max_bytes)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UploadValidator)
            and other.kinds == self.kinds
            and other.max_bytes == self.max_bytes
        )
