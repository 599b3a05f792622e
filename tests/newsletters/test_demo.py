"""The demo newsletters load, are realistic, and loading them again changes nothing."""

from lscb_portal.core.models import OutboxMessage
from newsletters import demo
from newsletters.documents import DocumentType
from newsletters.models import Article, Attachment, Issue, Resource, Series


def snapshot():
    return {
        "series": list(Series.objects.values_list("slug", "title")),
        "issues": list(Issue.objects.order_by("pk").values_list("pk", "status", "published_at", "title")),
        "articles": list(Article.objects.order_by("pk").values_list("pk", "slug", "title", "body")),
        "attachments": list(Attachment.objects.order_by("pk").values_list("pk", "file", "size")),
        "resources": Resource.objects.count(),
    }


def test_demo_loads_two_series_with_issues_tables_and_genuine_documents(client, db, jobs):
    summary = demo.load()
    assert summary.startswith("2 series")
    assert Series.objects.count() == 2
    assert Issue.objects.published().count() >= 6
    assert Article.objects.filter(body__contains="<table").exists()
    kinds = set(Attachment.objects.values_list("file_type", flat=True))
    assert kinds == {DocumentType.PDF, DocumentType.DOCX}
    latest = Issue.objects.published().in_reading_order().first()
    assert client.get(latest.get_absolute_url()).status_code == 200
    # Demo issues are history: loading them emails nobody.
    assert OutboxMessage.objects.count() == 0


def test_loading_twice_changes_nothing(db):
    demo.load()
    first = snapshot()
    demo.load()
    assert snapshot() == first
