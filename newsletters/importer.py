"""Reading a past newsletter (Word, PDF, Markdown, HTML or plain text) into the pieces of a draft issue.

Every format is first turned into HTML with headings (``to_html``): Word through mammoth (its heading
styles become headings, tables stay tables), PDF through pdfplumber (lines in a larger font than the
body text become headings; tables found on the page stay tables), Markdown through markdown-it, plain
text by its layout (a short line standing alone between blank lines is a heading). The HTML is cut at
every heading into ``Piece`` s; ``suggest_starts`` says which pieces begin an article, and
``build`` joins the pieces into a foreword and articles. The admin shows the editor the pieces with the
suggested starts ticked, so an article can be merged with the one before (untick) or split at any
heading (tick) before anything is saved; ``manage.py import_issue`` takes the suggestion as it is.

When the document has a "This issue includes" (or "Inside this issue") list, its entries name the
articles; otherwise the most frequent top level of heading does. Nothing here writes to the database:
``services.issue_import`` does.
"""

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html import escape

import lxml.html
from django.core.exceptions import ValidationError

from lscb_portal.core.richtext import plain_text, sanitize

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 200
FORMATS = {".docx": "Word", ".pdf": "PDF", ".md": "Markdown", ".markdown": "Markdown", ".html": "HTML"}
FORMATS |= {".htm": "HTML", ".txt": "plain text"}
CONTENTS_PATTERN = re.compile(r"^\s*(this issue includes|inside this issue|in this issue|contents)\b\s*:?\s*$", re.I)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october"]
MONTHS += ["november", "december"]
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
_DATE = re.compile(r"\b(" + "|".join(MONTHS + list(SEASONS)) + r")\s+(\d{4})\b", re.I)
_DAY_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)
_ISSUE_NUMBER = re.compile(r"\bissue\s*(?:no\.?\s*)?(\d{1,4})\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•·▪]|\d{1,2}[.)])\s+")


class UnreadableFile(ValidationError):
    """A file that cannot be read as a newsletter: the message says why, for the editor."""


@dataclass
class Piece:
    """A heading (None for the text before the first one) and the HTML that follows it."""

    heading: str | None
    level: int
    html: str

    def as_dict(self) -> dict:
        return {"heading": self.heading, "level": self.level, "html": self.html}

    @classmethod
    def from_dict(cls, data: dict) -> "Piece":
        return cls(heading=data.get("heading"), level=int(data.get("level") or 0), html=str(data.get("html") or ""))

    @property
    def words(self) -> int:
        return len(plain_text(self.html).split())


@dataclass
class ImportedArticle:
    title: str
    body: str


@dataclass
class Reading:
    """A file read into pieces, with what the document itself says about the issue."""

    name: str
    kind: str
    pieces: list[Piece]
    starts: list[int]
    title_piece: int | None = None
    contents: list[str] = field(default_factory=list)
    title: str = ""
    number: int | None = None
    issue_date: date | None = None
    date_is_day: bool = False


@dataclass
class Built:
    foreword: str
    articles: list[ImportedArticle]


# --- Reading each format ----------------------------------------------------------------------------------------


def extension(name: str) -> str:
    match = re.search(r"\.[a-z0-9]+$", (name or "").lower())
    return match.group(0) if match else ""


def read(name: str, content: bytes) -> Reading:
    """Read one uploaded file; ``UnreadableFile`` with a message for the editor if it cannot be read."""
    kind = FORMATS.get(extension(name))
    if kind is None:
        raise UnreadableFile(f"“{name}” is not a file the importer reads: use Word (.docx), PDF, Markdown (.md), "
                           "HTML or plain text (.txt).")  # fmt: skip
    if not content:
        raise UnreadableFile(f"“{name}” is empty.")
    if len(content) > MAX_BYTES:
        raise UnreadableFile(f"“{name}” is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        html = to_html(extension(name), content)
    except UnreadableFile as error:
        raise UnreadableFile(f"“{name}” could not be read as {kind}: {error.messages[0]}") from error
    except Exception as exc:  # noqa: BLE001 - any parser failure on a damaged file is the editor's to hear about
        raise UnreadableFile(f"“{name}” could not be read as {kind}: the file may be damaged.") from exc
    pieces = split(html)
    if not any(piece.words or piece.heading for piece in pieces):
        raise UnreadableFile(f"“{name}” has no text the importer can read (a scanned PDF has only pictures).")
    reading = Reading(name=name, kind=kind, pieces=pieces, starts=[])
    describe(reading)
    return reading


def to_html(ext: str, content: bytes) -> str:
    if ext == ".docx":
        return _docx_html(content)
    if ext == ".pdf":
        return _pdf_html(content)
    text = _decode(content)
    if ext in (".md", ".markdown"):
        from markdown_it import MarkdownIt

        return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    if ext in (".html", ".htm"):
        return text
    return _text_html(text)


def _decode(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise UnreadableFile("The file holds binary data, not text.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _docx_html(content: bytes) -> str:
    import mammoth

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise UnreadableFile("The file is not a Word document (.docx).")
    # Pictures are left out: they carry no alt text, and the editor adds them with it.
    no_images = mammoth.images.img_element(lambda image: {})
    result = mammoth.convert_to_html(io.BytesIO(content), convert_image=no_images)
    return result.value


def _pdf_html(content: bytes) -> str:
    import pdfplumber

    if not content.lstrip().startswith(b"%PDF"):
        raise UnreadableFile("The file is not a PDF.")
    blocks: list[tuple[str, float, str]] = []  # kind, size, html
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise UnreadableFile(f"The PDF has more than {MAX_PAGES} pages.")
        for page in pdf.pages:
            blocks.extend(_pdf_page_blocks(page))
    sizes = Counter()
    for kind, size, html in blocks:
        if kind == "line":
            sizes[round(size, 1)] += len(html)
    if not sizes:
        return ""
    body = sizes.most_common(1)[0][0]
    heading_sizes = sorted({round(size, 1) for kind, size, _ in blocks if kind == "line" and size >= body * 1.15},
                           reverse=True)  # fmt: skip
    level = {size: min(1 + index, 4) for index, size in enumerate(heading_sizes)}
    out, paragraph = [], []

    def flush():
        if paragraph:
            out.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph.clear()

    for kind, size, html in blocks:
        if kind == "table":
            flush()
            out.append(html)
        elif kind == "gap":
            flush()
        elif round(size, 1) in level:
            flush()
            tag = f"h{level[round(size, 1)]}"
            # A heading that runs over two lines is one heading.
            if out and out[-1].startswith(f"<{tag}>") and not paragraph:
                out[-1] = out[-1][: -len(f"</{tag}>")] + " " + html + f"</{tag}>"
            else:
                out.append(f"<{tag}>{html}</{tag}>")
        elif _BULLET.match(html):
            flush()
            out.append("<ul><li>" + _BULLET.sub("", html) + "</li></ul>")
        else:
            paragraph.append(html)
    flush()
    return "".join(out).replace("</ul><ul>", "")


def _pdf_page_blocks(page):
    """A page's lines of text (with their font size) and tables, top to bottom, with gaps between paragraphs."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside(word):
        return not any(x0 <= word["x0"] <= x1 and top <= word["top"] <= bottom for x0, top, x1, bottom in boxes)

    words = [word for word in page.extract_words(extra_attrs=["size"], keep_blank_chars=False) if outside(word)]
    items = []
    for table in tables:
        rows = table.extract() or []
        if rows:
            items.append((table.bbox[1], "table", 0.0, _table_html(rows)))
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    previous_bottom, previous_size = None, None
    for line in lines:
        size = max(word["size"] for word in line)
        top = min(word["top"] for word in line)
        text = escape(" ".join(word["text"] for word in sorted(line, key=lambda w: w["x0"])))
        if previous_bottom is not None and (top - previous_bottom > size * 0.8 or abs(size - previous_size) > 0.5):
            items.append((top - 0.01, "gap", 0.0, ""))
        items.append((top, "line", size, text))
        previous_bottom, previous_size = max(word["bottom"] for word in line), size
    items.sort(key=lambda item: item[0])
    return [(kind, size, html) for _, kind, size, html in items]


def _table_html(rows) -> str:
    cells = [[escape(" ".join(str(cell or "").split())) for cell in row] for row in rows]
    head, *body = cells
    return (
        "<table><thead><tr>" + "".join(f"<th>{cell}</th>" for cell in head) + "</tr></thead><tbody>"
        + "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in body)
        + "</tbody></table>"
    )  # fmt: skip


def _text_html(text: str) -> str:
    """Plain text by its layout: blank lines between paragraphs, a short line alone is a heading,
    lines starting with a bullet are a list."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))]
    out = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            out.append("<ul>" + "".join(f"<li>{escape(_BULLET.sub('', line))}</li>" for line in lines) + "</ul>")
        elif len(lines) == 1 and _title_like(lines[0]):
            out.append(f"<h2>{escape(lines[0])}</h2>")
        elif CONTENTS_PATTERN.match(lines[0]) and len(lines) > 1:
            out.append(f"<h2>{escape(lines[0])}</h2>")
            items = "".join(f"<li>{escape(_BULLET.sub('', line))}</li>" for line in lines[1:])
            out.append(f"<ul>{items}</ul>")
        else:
            out.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return "".join(out)


def _title_like(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 12 and len(line) <= 90 and not line.endswith((".", ",", ";", ":")) and line[0].isupper()


# --- Cutting at headings ----------------------------------------------------------------------------------------


_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "body", "center", "font", "span"}


def split(html: str) -> list[Piece]:
    """The document's HTML cut at every heading (h1 to h6, levels kept), each piece cleaned by the
    portal's rich-text policy. Headings inside wrappers (div, section…) count; nothing in <head> does."""
    if not (html or "").strip():
        return []
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    pieces = [Piece(heading=None, level=0, html="")]
    if body is not None:
        _walk(body, pieces)
    for piece in pieces:
        piece.html = sanitize(piece.html)
    return [piece for index, piece in enumerate(pieces) if index or piece.html or len(pieces) == 1]


def _walk(element, pieces: list[Piece]) -> None:
    if element.text and element.text.strip():
        pieces[-1].html += f"<p>{escape(element.text.strip())}</p>"
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in _HEADINGS:
            heading = " ".join(child.text_content().split())[:300]
            if heading:
                pieces.append(Piece(heading=heading, level=_HEADINGS[tag], html=""))
        elif tag in _CONTAINERS and any(
            isinstance(node.tag, str) and node.tag.lower() in _HEADINGS for node in child.iter()
        ):
            _walk(child, pieces)
        elif tag and tag not in {"script", "style", "template", "head", "title"}:
            pieces[-1].html += lxml.html.tostring(child, encoding="unicode", with_tail=False)
        if child.tail and child.tail.strip():
            pieces[-1].html += f"<p>{escape(child.tail.strip())}</p>"


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def contents_list(pieces: list[Piece]) -> list[str]:
    """The titles a "This issue includes" list names, if the document has one."""
    for piece in pieces:
        if piece.heading and CONTENTS_PATTERN.match(piece.heading):
            root = lxml.html.fragment_fromstring(piece.html or "<p></p>", create_parent="div")
            items = [" ".join(item.text_content().split()) for item in root.iter("li")]
            if not items:
                items = [" ".join(p.text_content().split()) for p in root.iter("p")]
            return [item for item in items if item]
    return []


def describe(reading: Reading) -> None:
    """Fill in which pieces start articles, which is the issue's title, and the issue's number and date."""
    pieces = reading.pieces
    reading.contents = contents_list(pieces)
    headed = [(index, piece) for index, piece in enumerate(pieces) if piece.heading]
    if reading.contents:
        wanted = [_normal(title) for title in reading.contents]
        starts, seen = [], set()
        for index, piece in headed:
            name = _normal(piece.heading)
            match = next((title for title in wanted if title and title not in seen and
                          (name == title or name.startswith(title) or title.startswith(name))), None)  # fmt: skip
            if match:
                starts.append(index)
                seen.add(match)
        reading.starts = starts
    else:
        levels = Counter(piece.level for _, piece in headed)
        level = min((lvl for lvl, count in levels.items() if count >= 2), default=min(levels, default=2))
        reading.starts = [index for index, piece in headed if piece.level == level]
    # The first heading above the first article is the issue's own title.
    first = reading.starts[0] if reading.starts else len(pieces)
    for index, piece in headed:
        if index >= first:
            break
        if not CONTENTS_PATTERN.match(piece.heading):
            reading.title_piece = index
            break
    head_text = " ".join(
        filter(None, [reading.name] + [piece.heading or "" for piece in pieces[:first]] +
               [plain_text(piece.html)[:400] for piece in pieces[:first]])
    )  # fmt: skip
    if match := _ISSUE_NUMBER.search(head_text):
        reading.number = int(match.group(1))
    if match := _DAY_DATE.search(head_text):
        day, month, year = match.groups()
        reading.issue_date = _safe_date(int(year), MONTHS.index(month.lower()) + 1, int(day))
        reading.date_is_day = reading.issue_date is not None
        reading.title = f"{month.capitalize()} {year}"
    if reading.issue_date is None and (match := _DATE.search(head_text)):
        word, year = match.group(1).lower(), int(match.group(2))
        month = SEASONS.get(word) or MONTHS.index(word) + 1
        reading.issue_date = _safe_date(year, month, 1)
        reading.title = f"{word.capitalize()} {year}"
    if not reading.title and reading.title_piece is not None:
        reading.title = pieces[reading.title_piece].heading[:120]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if 1900 <= year <= 2100 else None
    except ValueError:
        return None


def build(pieces: list[Piece], starts: list[int], *, title_piece: int | None = None) -> Built:
    """The foreword (everything before the first article, less the issue's title and contents list) and the
    articles, each made of its starting piece and the pieces after it up to the next start."""
    starts = sorted({index for index in starts if 0 <= index < len(pieces) and pieces[index].heading})
    foreword_parts, articles = [], []
    current: ImportedArticle | None = None
    for index, piece in enumerate(pieces):
        if index in starts:
            current = ImportedArticle(title=piece.heading[:200], body=piece.html)
            articles.append(current)
            continue
        if current is None:
            if piece.heading and CONTENTS_PATTERN.match(piece.heading):
                foreword_parts.append(_FIRST_LIST.sub("", piece.html, count=1))
                continue
            # The masthead (the issue's title, and headings above the first article with no text of
            # their own) is not part of the foreword.
            masthead = index == title_piece or (piece.heading and not piece.words)
            foreword_parts.append(piece.html if masthead else _with_heading(piece))
        else:
            current.body += _with_heading(piece)
    return Built(foreword=sanitize("".join(foreword_parts)), articles=articles)


_FIRST_LIST = re.compile(r"<(ul|ol)\b.*?</\1>", re.S)


def _with_heading(piece: Piece) -> str:
    """A piece inside an article or the foreword: its heading one level below the article's title."""
    if not piece.heading:
        return piece.html
    level = 3 if piece.level <= 3 else 4
    return f"<h{level}>{escape(piece.heading)}</h{level}>{piece.html}"
