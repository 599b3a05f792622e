import pytest

from procedures import demo
from procedures.models import (
    Amendment,
    Chapter,
    ChapterStatus,
    ChapterVersion,
    GlossaryTerm,
    Manual,
    Section,
    UpdateRound,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Section, Chapter, ChapterVersion, UpdateRound, Amendment, GlossaryTerm)
    } | {
        "history": sum(
            model.history.count() for model in (Manual, Section, Chapter, ChapterVersion, GlossaryTerm, UpdateRound)
        )
    }


def test_demo_loads_a_realistic_manual_and_a_second_run_changes_nothing(client):
    summary = demo.load()
    first = snapshot()
    demo.load()

    assert snapshot() == first
    assert "26 chapters" in summary
    assert Chapter.objects.current().count() == 25
    assert Chapter.objects.archived().count() == 1
    assert UpdateRound.objects.published().count() == 3
    renamed = Chapter.objects.get(slug="child-protection-medical-assessments")
    assert renamed.versions.count() == 2
    assert Chapter.objects.get(slug="neglect").versions.count() == 3
    assert Chapter.objects.filter(status=ChapterStatus.CURRENT, versions__update_round__title="March 2026 update")
    assert client.get("/procedures/paediatric-medical-assessments/").status_code == 301
    assert client.get("/procedures/").status_code == 200
    assert client.get("/procedures/amendments/").status_code == 200
