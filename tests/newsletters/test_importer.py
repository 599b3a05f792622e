"""The importer reads a past newsletter in each format into a foreword and the right articles, tables kept,
and refuses files it cannot read with a message."""

import io
import zipfile
from datetime import date

import pytest

from newsletters import importer
from tests.newsletters import newsletter_files as files

FORMATS = {
    "spring-2018.docx": files.docx_bytes,
    "spring-2018.pdf": files.pdf_bytes,
    "spring-2018.md": lambda: files.markdown_text().encode(),
    "spring-2018.html": lambda: files.html_text().encode(),
    "spring-2018.txt": lambda: files.plain_text().encode("cp1252"),
}


def read_and_build(name, content):
    reading = importer.read(name, content)
    return reading, importer.build(reading.pieces, reading.starts, title_piece=reading.title_piece)


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_gives_the_foreword_and_the_right_articles(name):
    reading, built = read_and_build(name, FORMATS[name]())
    assert [article.title for article in built.articles] == files.TITLES
    assert "Welcome to the spring edition of Frontline News" in built.foreword
    assert "Thank you to every practitioner" in built.foreword
    assert "Issue 4" not in built.foreword  # the masthead is not part of the foreword
    assert "County lines" not in built.foreword
    assert (reading.number, reading.issue_date, reading.title) == (4, date(2018, 3, 1), "March 2018")
    neglect = built.articles[0].body
    assert "graded care profile helps practitioners" in neglect
    assert "Children as young as twelve" not in neglect


@pytest.mark.parametrize("name", [name for name in FORMATS if not name.endswith(".txt")])
def test_tables_are_kept_in_their_article(name):
    _, built = read_and_build(name, FORMATS[name]())
    bodies = {article.title: article.body for article in built.articles}
    table = bodies[files.TABLE_ARTICLE]
    assert "<table>" in table
    assert "What is going well" in table
    assert "Invite fathers to meetings" in table
    assert all("<table>" not in body for title, body in bodies.items() if title != files.TABLE_ARTICLE)


def test_sub_headings_stay_inside_their_article_one_level_down():
    _, built = read_and_build("a.docx", files.docx_bytes())
    assert "<h3>Find out more</h3>" in built.articles[0].body.replace(' id="find-out-more"', "")
    _, built = read_and_build("a.txt", files.plain_text().encode())
    assert len(built.articles) == 4  # "Find out more" looks like a title but is not in the contents list
    assert "Find out more" in built.articles[1].body


def test_hostile_html_is_cleaned():
    _, built = read_and_build("a.html", files.html_text().encode())
    everything = built.foreword + "".join(article.body for article in built.articles)
    assert "<script" not in everything
    assert "alert(1)" not in everything
    assert "onclick" not in everything


def test_merging_and_splitting_is_choosing_which_headings_start_articles():
    reading = importer.read("a.docx", files.docx_bytes())
    starts = list(reading.starts)
    merged = importer.build(reading.pieces, starts[:1] + starts[2:], title_piece=reading.title_piece)
    assert [article.title for article in merged.articles] == [files.TITLES[0], *files.TITLES[2:]]
    assert "Children as young as twelve" in merged.articles[0].body  # the second article joined the first
    assert "<h3>County lines and criminal exploitation</h3>" in merged.articles[0].body.replace(
        ' id="county-lines-and-criminal-exploitation"', ""
    )
    find_out_more = next(i for i, piece in enumerate(reading.pieces) if piece.heading == "Find out more")
    split = importer.build(reading.pieces, [*starts, find_out_more], title_piece=reading.title_piece)
    assert [article.title for article in split.articles][:2] == [files.TITLES[0], "Find out more"]


def test_nine_articles_from_word():
    _, built = read_and_build("nine.docx", files.docx_bytes(files.NINE_TITLES))
    assert [article.title for article in built.articles] == files.NINE_TITLES


def test_a_newsletter_without_headings_is_one_foreword_and_no_articles():
    _, built = read_and_build("note.txt", b"Just a note about nothing in particular, written as one paragraph.\n")
    assert built.articles == []
    assert "Just a note" in built.foreword


def zip_bytes(**parts) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.exe", b"MZ\x90\x00", "is not a file the importer reads"),
        ("noextension", b"hello", "is not a file the importer reads"),
        ("empty.docx", b"", "is empty"),
        ("fake.docx", b"this is not a zip", "could not be read as Word"),
        ("broken.docx", zip_bytes(**{"word/document.xml": "<not xml"}), "could not be read as Word"),
        ("fake.pdf", b"plain text pretending", "could not be read as PDF"),
        ("truncated.pdf", files.pdf_bytes()[:200], "could not be read as PDF"),
        ("binary.txt", b"\x00\x01\x02" * 100, "could not be read as plain text"),
        ("scripts.html", b"<script>alert(1)</script><style>p{}</style>", "has no text"),
        ("blank.md", b"   \n\n  ", "has no text"),
    ],
)
def test_files_it_cannot_read_get_a_message(name, content, message):
    with pytest.raises(importer.UnreadableFile) as error:
        importer.read(name, content)
    assert message in error.value.messages[0]


def test_a_file_too_large_is_refused(settings, monkeypatch):
    monkeypatch.setattr(importer, "MAX_BYTES", 100)
    with pytest.raises(importer.UnreadableFile) as error:
        importer.read("big.md", b"# Title\n\n" + b"word " * 100)
    assert "larger than" in error.value.messages[0]
