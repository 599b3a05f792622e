"""Log lines never carry a signed token: a 404 on a token page is logged with the token hidden."""

import logging

import pytest

pytestmark = pytest.mark.django_db

TOKEN = "eyJ2Ijp7ImIiOjEyMywiciI6IkFCQ0QyMzQ1In19:1vQ2xS:Zm9yZ2VkLXNpZ25hdHVyZS1mb3ItdGVzdHM"


@pytest.mark.parametrize(
    "path",
    [
        f"/training/bookings/{TOKEN}/",
        f"/training/bookings/{TOKEN}/nothing-here/",
        f"/alerts/manage/{TOKEN}/unsubscribe/",
        f"/admin/password-reset/MTI/{TOKEN}/",
    ],
)
def test_a_refused_token_page_is_logged_without_its_token(client, caplog, path):
    caplog.set_level(logging.INFO)

    client.get(path)
    client.get(path + "?again=1")

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert TOKEN not in text
    assert "Zm9yZ2Vk" not in text


def test_the_server_log_format_hides_tokens_too():
    from lscb_portal.core.links import RedactTokensFilter

    record = logging.LogRecord(
        "django.server",
        logging.WARNING,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /training/my/{TOKEN}/ HTTP/1.1", 404, 10),
        None,
    )

    assert RedactTokensFilter().filter(record) is True
    assert TOKEN not in record.getMessage()
    assert "/training/my/[link hidden]/" in record.getMessage()
