"""Past newsletters written for the importer's tests, made in each format the importer reads.

The same issue ("Frontline News, Issue 4, March 2018": a foreword and articles, one with a three-column
table) is written as Word (python-docx), PDF (fpdf2: the title in 20 pt, article headings in 15 pt, the
text in 11 pt), Markdown, HTML and plain text (with a "This issue includes" list).
"""

import io

FOREWORD = [
    "Welcome to the spring edition of Frontline News. This issue looks at neglect, exploitation and what "
    "our latest case review taught us.",
    "Thank you to every practitioner who sent us an article.",
]
TABLE = [
    ["What are we worried about", "What is going well", "What do we need to do"],
    ["Referrals made late", "Schools share concerns", "Agree one referral route"],
    ["Fathers not seen", "Health visitors ask about fathers", "Invite fathers to meetings"],
]
ARTICLES = [
    (
        "Neglect: using the graded care profile",
        ["The graded care profile helps practitioners describe the care a child receives.", "Ask for training."],
    ),
    (
        "County lines and criminal exploitation",
        ["Children as young as twelve are moved between towns to sell drugs.", "Look for new phones and money."],
    ),
    (
        "Learning from a local case review",
        ["The review looked at how agencies worked with one family over two years."],
    ),
    (
        "Training with places this spring",
        ["Places remain on the neglect workshop on 16 April. Places are limited: book early."],
    ),
]
TABLE_ARTICLE = "Learning from a local case review"
TITLES = [title for title, _ in ARTICLES]
NINE_TITLES = [
    "Neglect: using the graded care profile",
    "County lines and criminal exploitation",
    "Learning from a local case review",
    "Domestic abuse and the toxic trio",
    "Private fostering: what to do",
    "Online safety and sexting",
    "Prevent and radicalisation",
    "Signs of Safety one year on",
    "Training with places this spring",
]


def articles(titles=None):
    if titles is None:
        return ARTICLES
    paragraphs = dict(ARTICLES)
    return [
        (title, paragraphs.get(title, [f"What practitioners need to know about {title.lower()}."])) for title in titles
    ]


def docx_bytes(titles=None) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Frontline News, Issue 4, March 2018", level=1)
    for paragraph in FOREWORD:
        document.add_paragraph(paragraph)
    for title, paragraphs in articles(titles):
        document.add_heading(title, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if title == TABLE_ARTICLE:
            table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            for row, values in zip(table.rows, TABLE, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        document.add_heading("Find out more", level=3)
        document.add_paragraph("Contact the board office.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(titles=None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 10, "Frontline News, Issue 4, March 2018")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for paragraph in FOREWORD:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    for title, paragraphs in articles(titles):
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 8, title)
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 11)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(4)
        if title == TABLE_ARTICLE:
            with pdf.table() as table:
                for values in TABLE:
                    row = table.row()
                    for value in values:
                        row.cell(value)
            pdf.ln(4)
    return bytes(pdf.output())


def markdown_text() -> str:
    parts = ["# Frontline News, Issue 4, March 2018", *FOREWORD]
    for title, paragraphs in ARTICLES:
        parts += [f"## {title}", *paragraphs]
        if title == TABLE_ARTICLE:
            header, *rows = TABLE
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(row) + " |" for row in rows]
            parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def html_text() -> str:
    parts = ["<html><head><title>Frontline News</title><script>alert(1)</script></head><body>"]
    parts.append("<h1>Frontline News, Issue 4, March 2018</h1>")
    parts += [f"<p>{paragraph}</p>" for paragraph in FOREWORD]
    for title, paragraphs in ARTICLES:
        parts.append(f"<h2>{title}</h2>")
        parts += [f"<p onclick='x()'>{paragraph}</p>" for paragraph in paragraphs]
        if title == TABLE_ARTICLE:
            header, *rows = TABLE
            parts.append("<table><tr>" + "".join(f"<th>{cell}</th>" for cell in header) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def plain_text() -> str:
    """As a board might have saved it from an email: a contents list names the articles; a sub-heading
    inside an article ("Find out more") looks like a title but is not in the list."""
    parts = ["Frontline News", "Issue 4, March 2018", "\n".join(["This issue includes:", *TITLES]), *FOREWORD]
    for title, paragraphs in ARTICLES:
        parts += [title, *paragraphs, "Find out more", "Ring the board office on 0116 000 0000."]
    return "\n\n".join(parts) + "\n"
