"""The rich-text field: what a save stores, what the form refuses, and the editor in the admin under the CSP."""

import base64
import hashlib
import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.forms import modelform_factory
from django.template import engines
from django.test.utils import isolate_apps
from django.urls import clear_url_caches, path

from lscb_portal.core.richtext import (
    EDITOR_EXTENSIONS,
    RichTextField,
    RichTextFormField,
    editor_csp_hashes,
    images_without_alt,
)

# Filled in by the admin fixture: this module is the URLconf of the admin tests.
urlpatterns = []


@pytest.fixture
def note_model(db):
    with isolate_apps("tests.core"):

        class Note(models.Model):
            title = models.CharField(max_length=200)
            body = RichTextField(blank=True)

            class Meta:
                app_label = "core"
                db_table = "test_richtext_field_note"

        with connection.schema_editor() as editor:
            editor.create_model(Note)
        yield Note


@pytest.fixture
def note_admin(note_model, settings):
    """The throwaway model in an admin site of its own, served at /admin/ in place of the real one."""
    from lscb_portal import urls as portal_urls

    # The admin logs changes against the model's content type: forget ones cached by earlier tests.
    ContentType.objects.clear_cache()
    site = admin.AdminSite(name="admin")
    site.register(note_model)
    others = [pattern for pattern in portal_urls.urlpatterns if str(pattern.pattern) != "admin/"]
    urlpatterns[:] = [path("admin/", site.urls), *others]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    yield note_model
    urlpatterns.clear()
    clear_url_caches()
    ContentType.objects.clear_cache()


def test_saving_sanitises_and_anchors_however_the_value_was_set(note_model):
    note = note_model.objects.create(title="T", body="<h2>Signs</h2><script>x()</script><h2>Signs</h2>")
    note.refresh_from_db()
    assert note.body == '<h2 id="signs">Signs</h2><h2 id="signs-2">Signs</h2>'

    note_model.objects.filter(pk=note.pk).update(body="<h2 onclick=x()>Raw</h2>")
    note.refresh_from_db()
    note.save()
    note.refresh_from_db()
    assert note.body == '<h2 id="raw">Raw</h2>'


def test_the_field_deconstructs_to_itself_without_editor_settings():
    name, path_, args, kwargs = RichTextField(blank=True).deconstruct()

    assert path_ == "lscb_portal.core.richtext.RichTextField"
    assert kwargs == {"blank": True}


def test_model_forms_get_the_rich_text_form_field_with_the_portals_editor(note_model):
    form_class = modelform_factory(note_model, fields=["title", "body"])
    field = form_class.base_fields["body"]

    assert isinstance(field, RichTextFormField)
    assert field.config == {"extensions": EDITOR_EXTENSIONS}
    rendered = str(form_class()["body"])
    assert "data-django-prose-editor-configurable" in rendered


def test_the_form_refuses_images_without_alt_text_and_keeps_what_was_typed(note_model):
    form_class = modelform_factory(note_model, fields=["title", "body"])
    typed = '<p>Our chart</p><img src="/media/uploads/referrals-2018.png"><img src="/media/b.png" alt="Bar chart">'
    form = form_class(data={"title": "Referrals", "body": typed})

    assert not form.is_valid()
    message = form.errors["body"][0]
    assert message.startswith("Add alternative text to every image")
    assert "1 image has none: referrals-2018.png" in message
    assert form["body"].value() == typed
    assert note_model.objects.count() == 0


def test_the_form_counts_every_image_without_alt_text():
    field = RichTextFormField(required=False)

    with pytest.raises(ValidationError, match="2 images have none: a.png, an image"):
        field.clean('<img src="/a.png" alt=" "><IMG ALT="">')


def test_the_form_returns_sanitised_html():
    field = RichTextFormField(required=False)

    cleaned = field.clean('<p onclick="x()">Hi <a href="javascript:x()">there</a></p><img src="/c.png" alt="A cat">')

    assert cleaned == '<p>Hi there</p><img src="/c.png" alt="A cat">'


def test_a_required_field_refuses_markup_with_no_content():
    field = RichTextFormField(required=True)

    with pytest.raises(ValidationError, match="This field is required"):
        field.clean("<p><script>alert(1)</script></p>")


def test_images_without_alt_reads_markup_as_a_browser_would():
    html = "<img src=a.png alt=ok><img src='b.png'><img alt='' src=\"c.png\"/><p>&lt;img src=d.png&gt;</p>"

    assert images_without_alt(html) == ["b.png", "c.png"]


def _importmap_hash(page: str) -> str:
    script = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', page, re.S).group(1)
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def test_the_admin_allows_the_editors_import_map_by_its_hash(admin_client, note_admin):
    response = admin_client.get("/admin/core/note/add/")

    assert response.status_code == 200
    page = response.content.decode()
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    assert _importmap_hash(page) in script_src
    assert editor_csp_hashes() == [_importmap_hash(page)]
    assert "'unsafe-inline'" not in script_src
    assert "data-django-prose-editor-configurable" in page


def test_public_pages_do_not_get_the_admins_exceptions(client, db):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert editor_csp_hashes()[0] not in policy
    assert "'unsafe-inline'" not in policy


def test_the_admin_shows_the_alt_text_message_and_saves_nothing(admin_client, note_admin):
    typed = '<p>Flyer</p><img src="/media/flyer.png">'
    response = admin_client.post("/admin/core/note/add/", {"title": "Flyer", "body": typed})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Add alternative text to every image" in page
    assert "flyer.png" in page
    assert "&lt;img src=&quot;/media/flyer.png&quot;&gt;" in page  # what was typed is still in the editor
    assert note_admin.objects.count() == 0


def test_the_admin_saves_a_figure_with_alt_text(admin_client, note_admin):
    body = (
        '<figure class="figure"><img src="/media/flyer.png" alt="Training flyer">'
        '<figcaption class="figure-caption">Spring programme</figcaption></figure>'
    )
    response = admin_client.post("/admin/core/note/add/", {"title": "Flyer", "body": body})

    assert response.status_code == 302
    assert note_admin.objects.get().body == (
        '<figure><img src="/media/flyer.png" alt="Training flyer"><figcaption>Spring programme</figcaption></figure>'
    )


def test_the_richtext_filter_needs_no_load_tag():
    template = engines["django"].from_string("{{ body|richtext }}")

    assert template.render({"body": "<p>Hello</p>"}) == '<div class="lscb-prose"><p>Hello</p></div>'
