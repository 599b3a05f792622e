"""A lost database answers 503 with Retry-After, never a 500, and never needs the database to say so."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import path

from lscb_portal import urls as root_urls


def view_losing_the_database(request):
    raise OperationalError("server closed the connection unexpectedly")


def view_with_a_closed_connection(request):
    raise InterfaceError("connection already closed")


def view_with_a_bug(request):
    raise ValueError("a real fault")


urlpatterns = [
    path("lost/", view_losing_the_database),
    path("closed/", view_with_a_closed_connection),
    path("bug/", view_with_a_bug),
    *root_urls.urlpatterns,
]
handler500 = root_urls.handler500


@pytest.fixture
def outage_client(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/lost/", "/closed/"])
def test_a_database_outage_answers_503_with_retry_after(db, outage_client, url, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = outage_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_other_faults_are_still_a_500(db, outage_client):
    response = outage_client.get("/bug/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
