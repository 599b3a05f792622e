"""A small PDF writer for certificates: one A4 landscape page of text in the standard Helvetica fonts.

The standard fonts need no embedding, so a certificate is a few kilobytes and needs no
third-party library or system fonts.
"""

from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 842, 595  # A4 landscape, in points
FONTS = {"regular": "F1", "bold": "F2"}


@dataclass(frozen=True)
class Line:
    text: str
    size: int = 14
    weight: str = "regular"
    gap: int = 10  # space above the line, in points


def _pdf_string(text: str) -> bytes:
    encoded = text.encode("cp1252", errors="replace")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[Line], *, title: str) -> bytes:
    margin = 72
    parts = [
        b"0.11 0.25 0.42 RG 4 w 36 36 770 523 re S",  # a border in the board's blue
        b"0.5 w 44 44 754 507 re S",
    ]
    y = PAGE_HEIGHT - margin - 20
    for line in lines:
        y -= line.gap + line.size
        parts.append(
            b"BT /%s %d Tf 0 0 0 rg %d %d Td %s Tj ET"
            % (FONTS[line.weight].encode(), line.size, margin, y, _pdf_string(line.text))
        )
    return b"\n".join(parts)


def render(lines: list[Line], *, title: str) -> bytes:
    """The PDF file's bytes."""
    stream = _content(lines, title=title)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % (PAGE_WIDTH, PAGE_HEIGHT),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title %s /Producer (LSCB portal) >>" % _pdf_string(title),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)
