"""path_to: the address reverse() gives, from a pattern reversed once; where reverse() fails, it fails too."""

from datetime import date

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from lscb_portal.core.links import path_to


@pytest.mark.parametrize(
    ("viewname", "args"),
    [
        ("training:session", [26]),
        ("training:course", ["neglect-level-2"]),
        ("newsletters:article", ["frontline_news", 12, "case-review-1"]),
        ("newsletters:attachment", ["frontline", 987654321, "a", 5]),
        ("procedures:chapter", ["slugstandin"]),
        ("procedures:round", [date(2026, 3, 9), "march-2026-update"]),
        ("procedures:round", [date(9876, 5, 4), "2026-03-09"]),
    ],
)
def test_paths_are_what_reverse_gives(viewname, args):
    assert path_to(viewname, *args) == reverse(viewname, args=args)


def test_a_value_the_pattern_refuses_fails_as_reverse_does():
    assert path_to("newsletters:topic", "child-exploitation") == "/newsletters/topics/child-exploitation/"
    with pytest.raises(NoReverseMatch):
        path_to("newsletters:topic", "négligence")
    with pytest.raises(NoReverseMatch):
        path_to("newsletters:topic", "two words")
    with pytest.raises(NoReverseMatch):
        path_to("training:session", -1)


def test_the_path_follows_the_script_prefix():
    set_script_prefix("/portal/")
    try:
        assert path_to("training:session", 7) == "/portal/training/sessions/7/"
    finally:
        set_script_prefix("/")
    assert path_to("training:session", 7) == "/training/sessions/7/"
