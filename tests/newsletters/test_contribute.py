"""The public contribution form and the board manager's decision on it."""

import pytest
from django.core.exceptions import ValidationError

from lscb_portal.core.models import OutboxMessage
from newsletters import services
from newsletters.models import Article, Contribution, ContributionStatus
from tests.newsletters.factories import ContributionFactory, IssueFactory

URL = "/newsletters/contribute/"


def form_data(words: int, **overrides) -> dict:
    data = {
        "name": "Priya Shah",
        "role": "Health Visitor",
        "agency": "Northbrook Community Health",
        "email": "priya.shah@nhs.example.org",
        "title": "Safe sleep week",
        "text": " ".join(["word"] * words),
        "consent": "on",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("words", [200, 300])
def test_an_article_of_200_to_300_words_is_received_and_acknowledged(client, db, words):
    response = client.post(URL, form_data(words))
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.status == ContributionStatus.NEW
    assert contribution.word_count == words
    assert "I agree" in contribution.consent_text
    acknowledgement = OutboxMessage.objects.get(to="priya.shah@nhs.example.org")
    assert "Safe sleep week" in acknowledgement.body_text
    done = client.get(response["Location"])
    assert "Article sent" in done.content.decode()


@pytest.mark.parametrize("words", [199, 301])
def test_too_short_or_too_long_is_refused_with_the_count_and_keeps_what_was_typed(client, db, words):
    response = client.post(URL, form_data(words, title="My title"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Your article is {words} words long. It must be between 200 and 300 words." in html
    assert "There is a problem" in html
    assert 'value="My title"' in html
    assert Contribution.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_missing_answers_and_no_consent_are_explained(client, db):
    response = client.post(URL, {"text": "a few words"})
    html = response.content.decode()
    assert "Enter your name" in html
    assert "Enter your work email address" in html
    assert "Tick the box to agree" in html
    assert Contribution.objects.count() == 0


def test_the_form_says_where_to_email_documents_and_has_no_upload(client, db):
    html = client.get(URL).content.decode()
    assert 'type="file"' not in html
    assert "email them to" in html


@pytest.mark.usefixtures("clock_held")
def test_too_many_attempts_for_one_email_get_429(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "newsletters.contribute": {"email": (2, 3600), "ip": (100, 3600)}}
    for _ in range(2):
        client.post(URL, form_data(10))
    response = client.post(URL, form_data(250))
    assert response.status_code == 429
    assert Contribution.objects.count() == 0


def test_accepting_makes_a_draft_article_in_the_chosen_issue_and_tells_the_contributor(db):
    contribution = ContributionFactory(text="First paragraph <b>bold</b>.\n\nSecond paragraph.")
    issue = IssueFactory()
    article = services.contribution_accept(contribution=contribution, issue=issue, note="Lovely piece.")
    assert article.issue == issue
    assert article.author_name == contribution.name
    assert article.body == "<p>First paragraph &lt;b&gt;bold&lt;/b&gt;.</p><p>Second paragraph.</p>"
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.ACCEPTED
    assert contribution.article == article
    outcome = OutboxMessage.objects.get(dedupe_key=f"newsletters.contribution:{contribution.pk}:accepted")
    assert "We would like to publish it" in outcome.body_text
    assert "Lovely piece." in outcome.body_text


def test_accepting_into_a_published_issue_or_twice_is_refused(db):
    contribution = ContributionFactory()
    with pytest.raises(ValidationError, match="still a draft"):
        services.contribution_accept(contribution=contribution, issue=IssueFactory(published=True))
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.NEW
    assert Article.objects.count() == 0

    services.contribution_decline(contribution=contribution, note="Not for this audience.")
    with pytest.raises(ValidationError, match="already been declined"):
        services.contribution_accept(contribution=contribution, issue=IssueFactory())
    assert Article.objects.count() == 0
    declined = OutboxMessage.objects.get(dedupe_key=f"newsletters.contribution:{contribution.pk}:declined")
    assert "we will not be publishing it" in declined.body_text
