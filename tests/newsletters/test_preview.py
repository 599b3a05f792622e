"""Staff preview drafts exactly as readers will see them; everyone else gets a 404."""

import pytest
from django.contrib.auth.models import User

from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from tests.newsletters.factories import ArticleFactory


def test_board_manager_previews_a_draft_issue_and_its_article(client, db):
    article = ArticleFactory(title="Signs of Safety one year on")
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))
    response = client.get(article.issue.get_preview_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Signs of Safety one year on" in html
    assert "This is how readers will see the issue" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"].startswith("noindex")
    article_page = client.get(f"/newsletters/preview/{article.issue.pk}/{article.slug}/")
    assert article_page.status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "public user", "training administrator"])
def test_preview_is_not_found_for_everyone_else(client, db, who):
    article = ArticleFactory()
    if who == "public user":
        client.force_login(User.objects.create_user(username="reader", password="x"))
    elif who == "training administrator":
        client.force_login(StaffUserFactory(role=TRAINING_ADMINISTRATORS))
    assert client.get(article.issue.get_preview_url()).status_code == 404
    assert client.get(f"/newsletters/preview/{article.issue.pk}/{article.slug}/").status_code == 404
