"""What readers see on the contents, chapter, amendments, glossary and archive pages, within a fixed query budget."""

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import AmendmentKind, Manual
from procedures.services import round_publish

from .factories import (
    AmendmentFactory,
    ChapterFactory,
    ChapterVersionFactory,
    GlossaryTermFactory,
    SectionFactory,
    UpdateRoundFactory,
    publish_change,
    publish_new_chapter,
)

pytestmark = pytest.mark.django_db


def test_contents_groups_chapters_by_section_with_new_and_amended_marks(client):
    responding = SectionFactory(title="Responding to concerns", position=1)
    specific = SectionFactory(title="Specific circumstances", position=2)
    referrals = publish_new_chapter(title="Making a referral", section=responding)
    publish_new_chapter(title="Bullying", section=specific)
    update_round = UpdateRoundFactory(title="March 2018 update")
    ChapterVersionFactory(
        chapter=referrals, update_round=update_round, title=referrals.title, slug=referrals.slug, body="<p>New.</p>"
    )
    AmendmentFactory(update_round=update_round, chapter=referrals)
    gangs = ChapterFactory(title="Gangs and criminal exploitation", section=specific)
    ChapterVersionFactory(chapter=gangs, update_round=update_round, title=gangs.title, slug="gangs")
    AmendmentFactory(update_round=update_round, chapter=gangs, kind=AmendmentKind.NEW)
    round_publish(update_round=update_round)
    manual = Manual.get_solo()
    manual.next_update = timezone.now().date().replace(year=2030, month=9, day=1)
    manual.save()

    html = client.get(reverse("procedures:index")).content.decode()

    assert (
        html.index("Responding to concerns") < html.index("Making a referral") < html.index("Specific circumstances")
    )
    assert html.index("Specific circumstances") < html.index("Bullying")
    assert 'Making a referral</a>\n      <strong class="govuk-tag govuk-tag--blue lscb-tag">Amended</strong>' in html
    assert (
        'Gangs and criminal exploitation</a>\n      <strong class="govuk-tag govuk-tag--green lscb-tag">New</strong>'
        in html
    )
    assert "The next update is scheduled for September 2030." in html
    assert "March 2018 update" in html


def test_chapter_page_has_contents_amended_box_related_and_glossary_links(client):
    GlossaryTermFactory(term="Core group", slug="core-group", also_known_as="CG")
    GlossaryTermFactory(term="Strategy discussion", slug="strategy-discussion")
    chapter = publish_new_chapter(
        title="Child protection conferences",
        slug="conferences",
        body=(
            "<h2>Purpose</h2><p>The conference decides on a plan. The core group meets within 10 days.</p>"
            "<h3>Core group</h3><p>The core group carries out the plan.</p>"
            '<h2>Invitations</h2><p>Invite the family and a <a href="https://example.org">core group</a> member.</p>'
        ),
    )
    related = publish_new_chapter(title="Core groups", slug="core-groups")
    chapter.related.add(related)
    publish_change(
        chapter,
        body=chapter.current_version.body + "<p>New paragraph.</p>",
        details="Section 2 has been updated to reflect the new invitation letter.",
    )

    html = client.get(reverse("procedures:chapter", args=["conferences"])).content.decode()

    assert 'href="#purpose"><span class="lscb-section-number">1</span> Purpose</a>' in html
    assert 'href="#core-group"><span class="lscb-section-number">1.1</span> Core group</a>' in html
    assert '<h2 id="invitations"><span class="lscb-section-number">2</span> Invitations</h2>' in html
    assert "Amended in the Update round" in html
    assert "Section 2 has been updated to reflect the new invitation letter." in html
    assert 'href="/procedures/conferences/changes/"' in html
    assert 'href="/procedures/core-groups/">Core groups</a>' in html
    # Only the first use is linked, never inside a heading or an existing link.
    assert html.count('class="govuk-link lscb-glossary-link"') == 1
    assert 'href="/procedures/glossary/#term-core-group" title="Glossary: Core group"' in html
    assert "Terms used in this chapter" in html


def test_amendments_page_lists_rounds_as_real_manuals_do(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    publish_change(chapter, details="A link to the neglect toolkit has been added.", major=True)
    manual = Manual.get_solo()
    manual.next_update = timezone.now().date().replace(year=2030, month=9, day=1)
    manual.save()

    html = client.get(reverse("procedures:amendments")).content.decode()

    assert ">Updated chapters</th>" in html
    assert ">Details of amends</th>" in html
    assert ">New chapters</th>" in html
    assert ">Details</th>" in html
    assert "A link to the neglect toolkit has been added." in html
    assert "Major change" in html
    assert "The next update is scheduled for September 2030." in html
    assert 'href="/procedures/amendments/feed/"' in html


def test_feeds_list_the_published_rounds(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    publish_change(chapter, details="Cold homes added.")
    UpdateRoundFactory(title="Unpublished round")
    rss = client.get(reverse("procedures:feed"))
    atom = client.get(reverse("procedures:feed_atom"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    for response in (rss, atom):
        body = response.content.decode()
        assert "Cold homes added." in body
        assert "Unpublished round" not in body


def test_glossary_is_a_to_z(client):
    GlossaryTermFactory(term="Section 47 enquiry", slug="section-47")
    GlossaryTermFactory(term="Core group", slug="core-group", definition="The practitioners who carry out the plan.")
    html = client.get(reverse("procedures:glossary")).content.decode()
    assert html.index('id="letter-C"') < html.index('id="letter-S"')
    assert 'href="#letter-C"' in html
    assert 'B<span class="govuk-visually-hidden"> (no terms)</span>' in html
    assert 'id="term-core-group"' in html


def test_unknown_chapter_is_not_found(client):
    assert client.get("/procedures/no-such-chapter/").status_code == 404


def big_manual():
    """25 chapters in 5 sections, each with 3 versions from 3 rounds, related chapters and glossary terms."""
    sections = [SectionFactory() for _ in range(5)]
    chapters = [ChapterFactory(title=f"Chapter {n}", section=sections[n % 5]) for n in range(25)]
    bodies = ["<h2>One</h2><p>Text.</p>", "<h2>One</h2><p>Text two.</p>", "<h2>One</h2><p>Three.</p><h2>Two</h2>"]
    for number, body in enumerate(bodies):
        update_round = UpdateRoundFactory()
        for n, chapter in enumerate(chapters):
            ChapterVersionFactory(
                chapter=chapter, update_round=update_round, title=chapter.title, slug=f"chapter-{n}", body=body
            )
            kind = AmendmentKind.NEW if number == 0 else AmendmentKind.UPDATED
            AmendmentFactory(update_round=update_round, chapter=chapter, kind=kind)
        round_publish(update_round=update_round, at=timezone.now())
    for chapter in chapters[1:]:
        chapters[0].related.add(chapter)
    for n in range(25):
        GlossaryTermFactory(term=f"Word{n}")
    return chapters


BUDGETS = [
    ("procedures:index", [], 6),
    ("procedures:chapter", ["chapter-0"], 4),
    ("procedures:changes", ["chapter-0"], 5),
    ("procedures:amendments", [], 6),  # with fragments off, as here, each round in full reads its amendments
    ("procedures:archive", [], 3),
    ("procedures:glossary", [], 3),
    ("procedures:print", ["chapter-0"], 3),
    ("procedures:feed", [], 4),
]


def test_pages_keep_a_fixed_query_budget(client, django_assert_max_num_queries):
    big_manual()
    for name, args, budget in BUDGETS:
        with django_assert_max_num_queries(budget):
            response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert client.get(reverse("procedures:index")).content.decode().count("lscb-chapter-list__item") == 25


def test_as_at_and_verify_keep_a_fixed_query_budget(client, django_assert_max_num_queries):
    chapters = big_manual()
    with django_assert_max_num_queries(4):
        response = client.get(
            reverse("procedures:as_at", args=["chapter-0"]), {"date_0": "1", "date_1": "1", "date_2": "2030"}
        )
    assert response.status_code == 200
    code = chapters[0].versions.order_by("number").first().print_code
    assert chapters[0].versions.count() == 3
    with django_assert_max_num_queries(4):
        assert client.get(reverse("procedures:verify", args=[code])).status_code == 200
