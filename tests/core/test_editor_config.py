"""The rich-text editor's configuration: the portal's own link and label extensions, spelling checks on."""

import json
import re

from lscb_portal.core.richtext import RichTextFormField


def editor_config() -> dict:
    html = RichTextFormField().widget.render("body", "<p>Hello</p>")
    match = re.search(r"data-django-prose-editor-[a-z]+=\"([^\"]*)\"", html)
    return json.loads(match.group(1).replace("&quot;", '"'))


def test_links_keep_their_address_and_the_area_is_labelled():
    config = editor_config()
    assert "KeptLink" in config["extensions"]
    assert "Link" not in config["extensions"]
    assert "LabelledEditor" in config["extensions"]
    assert any(module.endswith("js/prose-editor.mjs") for module in config["js_modules"])


def test_the_spelling_check_is_not_turned_off():
    assert "NoSpellCheck" not in editor_config()["extensions"]
