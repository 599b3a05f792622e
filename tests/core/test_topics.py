"""Topics are separated by commas only: "Domestic abuse" is one topic."""

import pytest
from django.core.exceptions import ValidationError
from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags

from lscb_portal.core.topics import MAX_TOPICS, TopicsField, join_topics, parse_topics


@pytest.mark.parametrize(
    ("typed", "topics"),
    [
        ("Domestic abuse", ["Domestic abuse"]),
        ("Domestic abuse, Neglect", ["Domestic abuse", "Neglect"]),
        ("  Child  sexual   exploitation ,early help,", ["Child sexual exploitation", "early help"]),
        ("Neglect, neglect, NEGLECT", ["Neglect"]),
        ('"Signs of Safety"; Voice of the child\nFGM', ["Signs of Safety", "Voice of the child", "FGM"]),
        (", ,  ,", []),
        ("", []),
    ],
)
def test_parse_topics_splits_at_commas_only(typed, topics):
    assert parse_topics(typed) == topics


def test_taggit_uses_the_portals_parser_and_joiner(db):
    assert parse_tags("Domestic abuse") == ["Domestic abuse"]
    tags = [Tag.objects.create(name="Neglect"), Tag.objects.create(name="Domestic abuse")]
    assert edit_string_for_tags(tags) == "Domestic abuse, Neglect"
    assert join_topics(tags) == "Domestic abuse, Neglect"
    assert parse_topics(join_topics(tags)) == ["Domestic abuse", "Neglect"]


def test_the_field_refuses_a_topic_too_long_for_the_database_with_a_message():
    field = TopicsField(required=False)
    with pytest.raises(ValidationError) as error:
        field.clean("Neglect " * 20)
    assert "at most 100 characters" in error.value.messages[0]
    with pytest.raises(ValidationError):
        field.clean(", ".join(f"Topic {n}" for n in range(MAX_TOPICS + 1)))
    assert field.clean("Domestic abuse, Early help") == ["Domestic abuse", "Early help"]


def test_the_field_sees_no_change_in_the_same_topics_in_another_order(db):
    tags = [Tag.objects.create(name="Neglect"), Tag.objects.create(name="Domestic abuse")]
    field = TopicsField(required=False)
    assert not field.has_changed(tags, "neglect, Domestic abuse")
    assert field.has_changed(tags, "Neglect")


def test_the_widget_names_its_suggestions_address_and_script():
    field = TopicsField(required=False, suggest_url="/admin/topics/")
    html = field.widget.render("tags", "Neglect")
    assert 'data-topics-suggest="/admin/topics/"' in html
    assert 'value="Neglect"' in html
    assert "js/topics.mjs" in str(field.widget.media)
