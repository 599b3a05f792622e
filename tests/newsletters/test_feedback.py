"""Was this issue useful? Yes or no, with an optional comment, counted per issue."""

from django.template import Context, Template

from newsletters.forms import FeedbackForm
from newsletters.models import Feedback
from tests.newsletters.factories import ArticleFactory, IssueFactory


def feedback_url(issue):
    return f"{issue.get_absolute_url()}feedback/"


def test_a_reader_says_the_issue_was_useful(client, db):
    issue = ArticleFactory(issue=IssueFactory(published=True)).issue
    response = client.post(
        feedback_url(issue), {"useful": "yes", "comment": "More on county lines please"}, follow=True
    )
    assert "Thank you for your feedback" in response.content.decode()
    feedback = Feedback.objects.get()
    assert feedback.issue == issue
    assert feedback.useful is True
    assert feedback.comment == "More on county lines please"


def test_no_answer_is_explained_on_the_page(client, db):
    issue = ArticleFactory(issue=IssueFactory(published=True)).issue
    response = client.post(feedback_url(issue), {"comment": "hello"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select yes if this issue was useful" in html
    assert "hello" in html
    assert Feedback.objects.count() == 0


def test_feedback_on_a_draft_is_not_found(client, db):
    issue = ArticleFactory().issue
    assert client.post(feedback_url(issue), {"useful": "no"}).status_code == 404
    assert Feedback.objects.count() == 0


def test_the_issue_page_shows_the_form_as_the_form_templates_render_it(client, db):
    issue = ArticleFactory(issue=IssueFactory(published=True)).issue
    rendered = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": FeedbackForm()}))
    html = client.get(issue.get_absolute_url()).content.decode()
    assert 'name="useful"' in rendered
    assert 'name="comment"' in rendered
    assert rendered.strip() in html
