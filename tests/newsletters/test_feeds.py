"""RSS 2.0 and Atom feeds per series and per topic, and the sitemap."""

import xml.etree.ElementTree as ET  # noqa: S405 - parsing the portal's own output

from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314


def test_series_rss_lists_published_issues_only(client, db):
    series = SeriesFactory(title="Frontline News", slug="frontline")
    published = ArticleFactory(issue=IssueFactory(series=series, published=True, title="Spring 2018")).issue
    ArticleFactory(issue=IssueFactory(series=series, title="Draft edition"))
    response = client.get("/newsletters/frontline/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse(response)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title").startswith("Frontline News")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [published.label]
    assert items[0].findtext("link").endswith(published.get_absolute_url())
    assert "This issue includes" in items[0].findtext("description")
    assert items[0].findtext("pubDate")


def test_series_atom_is_a_valid_atom_feed(client, db):
    issue = ArticleFactory(issue=IssueFactory(published=True)).issue
    response = client.get(f"{issue.series.get_absolute_url()}feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id") is not None
    assert root.find(f"{ATOM}updated") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == issue.label
    assert entries[0].find(f"{ATOM}link").get("href").endswith(issue.get_absolute_url())


def test_topic_feeds_list_articles_across_series(client, db):
    first = ArticleFactory(title="County lines in Northbrook", issue=IssueFactory(published=True))
    second = ArticleFactory(title="Exploitation and the night-time economy", issue=IssueFactory(published=True))
    hidden = ArticleFactory(title="Not yet out", issue=IssueFactory())
    for article in (first, second, hidden):
        article.tags.add("Criminal exploitation")
    rss = parse(client.get("/newsletters/topics/criminal-exploitation/feed/"))
    titles = {item.findtext("title") for item in rss.find("channel").findall("item")}
    assert titles == {first.title, second.title}
    atom = parse(client.get("/newsletters/topics/criminal-exploitation/feed/atom/"))
    assert len(atom.findall(f"{ATOM}entry")) == 2


def test_feeds_of_unknown_series_or_topics_are_not_found(client, db):
    assert client.get("/newsletters/nothing-here/feed/").status_code == 404
    assert client.get("/newsletters/topics/nothing-here/feed/atom/").status_code == 404


def test_sitemap_lists_published_issues_and_articles_only(client, db):
    article = ArticleFactory(issue=IssueFactory(published=True))
    draft = ArticleFactory()
    response = client.get("/sitemap.xml")
    root = parse(response)
    locations = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert any(location.endswith(article.get_absolute_url()) for location in locations)
    assert any(location.endswith(article.issue.get_absolute_url()) for location in locations)
    assert not any(location.endswith(draft.get_absolute_url()) for location in locations)
