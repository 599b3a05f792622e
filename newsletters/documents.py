"""Which documents may be attached to an article, judged by their content.

A file's name says nothing reliable about what it holds, so the type is read
from the bytes: a PDF starts with ``%PDF-``; Word, PowerPoint and Excel files
are zip packages holding ``[Content_Types].xml`` and a ``word/``, ``ppt/`` or
``xl/`` part. The extension must agree with what the content proves.

A PDF that would do something when opened (JavaScript, an open action, automatic
actions, launching a program, embedded files, forms that submit) is refused: the
board's documents are for reading. Its names are read with ``#xx`` escapes undone
and inside compressed streams too, where such objects usually hide.
"""

import re
import zipfile
import zlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat


class DocumentType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document"
    PPTX = "pptx", "PowerPoint presentation"
    XLSX = "xlsx", "Excel spreadsheet"

    @property
    def extension(self) -> str:
        return self.value

    @property
    def mimetype(self) -> str:
        return MIMETYPES[self]


MIMETYPES = {
    DocumentType.PDF: "application/pdf",
    DocumentType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentType.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    DocumentType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OFFICE_PARTS = {"word/": DocumentType.DOCX, "ppt/": DocumentType.PPTX, "xl/": DocumentType.XLSX}
ALLOWED = "PDF, DOCX, PPTX or XLSX"


def detect_type(file) -> DocumentType | None:
    """The document type the content proves, or None. Leaves the file at its start."""
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head == b"%PDF-":
        return DocumentType.PDF
    if head[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(file) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    found = {kind for prefix, kind in OFFICE_PARTS.items() if any(name.startswith(prefix) for name in names)}
    return found.pop() if len(found) == 1 else None


# PDF names that make a document act rather than show.
ACTIVE_PDF_NAMES = (
    b"/JavaScript",
    b"/JS",
    b"/OpenAction",
    b"/AA",
    b"/Launch",
    b"/EmbeddedFile",
    b"/SubmitForm",
    b"/RichMedia",
    b"/XFA",
    b"/ImportData",
    b"/GoToR",
    b"/GoToE",
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def pdf_is_active(content: bytes) -> bool:
    """True if the PDF's objects, plain or in Flate-compressed streams, name an action or script."""
    parts = [content]
    for match in _PDF_STREAM.finditer(content):
        try:
            parts.append(zlib.decompressobj().decompress(match.group(1), 20 * 1024 * 1024))
        except zlib.error:
            continue
    for part in parts:
        names = _PDF_NAME_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), part)
        if any(re.search(re.escape(name) + rb"(?![A-Za-z0-9])", names) for name in ACTIVE_PDF_NAMES):
            return True
    return False


def validate_document(file) -> DocumentType:
    """Raise ValidationError unless ``file`` is an allowed document within the size limit."""
    from .models import attachment_max_bytes

    limit = attachment_max_bytes()
    if file.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(file.size)}. It must be smaller than {filesizeformat(limit)}."
        )
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in DocumentType.values:
        raise ValidationError(f"The file must be a {ALLOWED}.")
    with _opened(file) as readable:
        kind = detect_type(readable)
    if kind is None:
        raise ValidationError(f"The file is not a genuine {ALLOWED} document. It may be damaged.")
    if kind.extension != extension:
        raise ValidationError(
            f"The file's name ends in .{extension} but it is a {kind.label}. "
            "Save it with the right type and try again."
        )
    if kind == DocumentType.PDF:
        with _opened(file) as readable:
            readable.seek(0)
            active = pdf_is_active(readable.read())
            readable.seek(0)
        if active:
            raise ValidationError(
                "This PDF runs actions when it is opened (JavaScript, an open action or an embedded file). "
                "Save it again as a plain PDF (for example with Print › Save as PDF) and try again."
            )
    return kind


class _opened:
    """Open a stored FieldFile for reading if need be; leave an upload as it is."""

    def __init__(self, file):
        self.file = file
        self.opened_here = False

    def __enter__(self):
        if getattr(self.file, "closed", False):
            self.file.open("rb")
            self.opened_here = True
        return self.file

    def __exit__(self, *exc):
        if self.opened_here:
            self.file.close()
