"""Reading back the portal's PDF documents in tests, as a reader's software would: text, title, language, tags."""

import io
from dataclasses import dataclass

import pypdf

# The project's own fonts (static/build/fonts/), as the PDF names them once subset.
OWN_FONTS = ("Noto-Sans", "IBM-Plex-Sans-Arabic")


@dataclass(frozen=True)
class ReadPdf:
    pages: list[str]
    title: str
    lang: str
    tagged: bool
    structure_tags: set[str]
    fonts: set[str]
    links: list[str]
    page_sizes: list[tuple[float, float]]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines()]


def _structure_tags(node, found: set[str], depth: int = 0) -> None:
    node = node.get_object()
    if depth > 200:
        return
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            _structure_tags(child, found, depth + 1)
        return
    if not isinstance(node, pypdf.generic.DictionaryObject):
        return
    if "/S" in node:
        found.add(str(node["/S"]))
    if "/K" in node:
        _structure_tags(node["/K"], found, depth + 1)


def read_pdf(content: bytes) -> ReadPdf:
    reader = pypdf.PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    tags: set[str] = set()
    if "/StructTreeRoot" in root:
        _structure_tags(root["/StructTreeRoot"], tags)
    fonts, links = set(), []
    for page in reader.pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                links.append(str(action["/URI"]))
    return ReadPdf(
        pages=[page.extract_text() for page in reader.pages],
        title=str((reader.metadata or {}).get("/Title", "")),
        lang=str(root.get("/Lang", "")),
        tagged=bool(root.get("/MarkInfo", {}).get("/Marked")) and "/StructTreeRoot" in root,
        structure_tags=tags,
        fonts=fonts,
        links=links,
        page_sizes=[(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages],
    )


def assert_accessible(document: ReadPdf, *, title: str) -> None:
    """Tagged PDF with the title and language a screen reader announces, in the project's own fonts only."""
    assert document.tagged, "the PDF has no structure tree"
    assert document.title == title
    assert document.lang == "en-GB"
    assert document.fonts, "no fonts embedded"
    strangers = {font for font in document.fonts if not font.startswith(OWN_FONTS)}
    assert not strangers, f"fonts from the machine, not the project: {strangers}"
