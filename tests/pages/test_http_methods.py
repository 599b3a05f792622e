"""Pages answer the methods they are for: GET and HEAD everywhere, POST where a form is; nothing else."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["options", "trace", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/", "/training/", "/alerts/"])
def test_other_methods_are_refused_with_405(client, method, path):
    response = client.generic(method.upper(), path)

    assert response.status_code == 405
    assert b"<html" not in response.content.lower()
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize("path", ["/alerts/", "/alerts/manage/", "/alerts/check-your-email/", "/alerts/unsubscribed/"])
def test_head_answers_like_get_on_the_alerts_pages(client, path):
    get = client.get(path)
    head = client.head(path)

    assert head.status_code == get.status_code
    assert head.content == b""
