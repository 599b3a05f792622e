"""Forms of the procedures back office. Each refuses at save what publishing the round would refuse,
by asking the services (``services.check_address``), so the editor hears of it beside the field."""

from django import forms

from lscb_portal.core.errors import Refused, add_to_form

from . import services
from .models import ChapterVersion


class ChapterTextForm(forms.ModelForm):
    """A chapter's text in a round, on its own page."""

    class Meta:
        model = ChapterVersion
        fields = ["update_round", "chapter", "title", "slug", "summary", "body", "key_words", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # An empty address gets the services' own words, not "This field is required".
            self.fields["slug"].required = False

    def clean(self):
        data = super().clean()
        update_round = data.get("update_round") or getattr(self.instance, "update_round", None)
        chapter = data.get("chapter") or getattr(self.instance, "chapter", None)
        if "slug" in self.fields and update_round is not None and not self.has_error("slug"):
            try:
                services.check_address(update_round=update_round, chapter=chapter, slug=data.get("slug") or "")
            except Refused as refused:
                add_to_form(self, refused)
        return data
