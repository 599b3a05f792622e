def test_home_page_renders_the_board_name(client, db):
    from lscb_portal.core.models import BoardSettings

    board = BoardSettings.get_solo()
    board.name = "Testshire Safeguarding Children Board"
    board.save()
    response = client.get("/")
    assert response.status_code == 200
    assert "Testshire Safeguarding Children Board" in response.content.decode()


def test_django_talks_to_postgres_through_psycopg_3(db):
    from django.db import connection

    assert connection.Database.__name__ == "psycopg"
    assert connection.Database.__version__.startswith("3.")
