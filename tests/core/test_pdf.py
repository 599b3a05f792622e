"""The documents' renderer (lscb_portal/core/pdf.py): WeasyPrint with the project's fonts, tagged, loading
nothing from outside. Each document kind has its own tests beside its app; these render a small page once."""

import pytest
from django.template import Context, Template

from lscb_portal.core import pdf
from lscb_portal.core.models import BoardSettings
from lscb_portal.core.templatetags.documents import document_prose
from tests.pdfs import assert_accessible, read_pdf

NAMES = ["Łukasz Wiśniewski-Öztürk", "Zoë Ní Bhriain", "Ștefan Țăranu", "Gökçe Yıldırım", "فاطمة الزهراء", "王秀英"]

PAGE = """{% extends "documents/base.html" %}{% block title %}Names in every script{% endblock %}
{% block body %}<h1>Names in every script</h1>
<table><thead><tr><th scope="col">Name</th></tr></thead><tbody>
{% for name in names %}<tr><td><bdi>{{ name }}</bdi></td></tr>{% endfor %}
</tbody></table>
<p><a href="/training/">The training programme</a> and <a href="https://www.gov.uk/">GOV.UK</a></p>
{% endblock %}"""


@pytest.fixture(scope="module")
def rendered():
    board = BoardSettings(name="Northbrook Safeguarding Children Partnership", brand_colour="#0b4f6c")
    html = Template(PAGE).render(Context({"board": board, "brand_colour": board.brand_colour, "names": NAMES}))
    return read_pdf(pdf.html_to_pdf(html))


def test_names_in_every_script_come_back_unchanged(rendered):
    for name in NAMES:
        assert name in rendered.lines


def test_the_pdf_is_tagged_with_a_title_and_language_in_the_projects_fonts(rendered):
    assert_accessible(rendered, title="Names in every script")
    assert {"/Table", "/TH", "/TD", "/H1"} <= rendered.structure_tags
    assert {"Noto-Sans-latin", "Noto-Sans-latin-ext", "IBM-Plex-Sans-Arabic-arabic"} <= rendered.fonts
    assert "Noto-Sans-SC-chinese-simplified" in rendered.fonts


def test_links_stay_live_and_relative_ones_point_at_the_portal(rendered, settings):
    assert f"{settings.SITE_URL.rstrip('/')}/training/" in rendered.links
    assert "https://www.gov.uk/" in rendered.links


def test_the_fetcher_loads_the_portals_static_files_and_refuses_anything_else(settings):
    fetcher = pdf.portal_fetcher()
    own = fetcher.fetch(pdf.base_url() + "static/css/documents.css")
    assert b"@page" in own.read()
    for address in ["https://example.org/logo.png", "http://169.254.169.254/latest/", "file:///etc/passwd"]:
        with pytest.raises(pdf.ExternalResource):
            fetcher.fetch(address)
    for path in ["admin/", "static/%2e%2e/%2e%2e/lscb_portal/settings.py", "media/%2E%2E/secret.txt"]:
        with pytest.raises(pdf.ExternalResource):
            fetcher.fetch(pdf.base_url() + path)


def test_a_picture_kept_elsewhere_becomes_its_description_and_address():
    html = str(
        document_prose(
            '<h2>Seen</h2><p><img src="https://example.org/a.png" alt="A poster"></p>'
            '<p><img src="/static/images/favicon.svg" alt="Our mark"></p>',
            1,
        )
    )
    assert "<img" in html
    assert 'src="/static/images/favicon.svg"' in html
    assert 'example.org/a.png"' not in html.split("<img")[1]
    assert 'Picture: A poster (<a href="https://example.org/a.png">' in html
    assert "<h3" in html
    assert "<h2" not in html


@pytest.mark.django_db
def test_a_colour_written_around_the_form_falls_back_to_the_default():
    BoardSettings.objects.update(brand_colour="red;}")
    assert pdf.document_context({})["brand_colour"] == "#0b4f6c"
