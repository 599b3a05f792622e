"""Why the page cache records changes at commit: a counter updated as rows are written deadlocks with bookings.

Two transactions in the order a booking and an editor's change can take:

- A (a booking) locks the session row, then writes it;
- B (an edit) writes a course, then needs the same session row.

With a counter row updated by each write, B holds the counter while it waits for the session, and A holds
the session while it waits for the counter: Postgres finds the deadlock and aborts one. With the portal's
trigger, nothing is locked until commit, and the insert it makes then waits for no one.
"""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from lscb_portal.core import pagecache
from tests.training.factories import SessionFactory
from training.models import Session

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER_UPDATED_AS_ROWS_ARE_WRITTEN = """
CREATE TABLE test_counter (n bigint NOT NULL);
INSERT INTO test_counter VALUES (0);
CREATE FUNCTION test_counter_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE test_counter SET n = n + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER test_counter_bump AFTER UPDATE ON training_course
    FOR EACH STATEMENT EXECUTE FUNCTION test_counter_bump();
CREATE TRIGGER test_counter_bump AFTER UPDATE ON training_session
    FOR EACH STATEMENT EXECUTE FUNCTION test_counter_bump();
"""
DROP_COUNTER = """
DROP TRIGGER IF EXISTS test_counter_bump ON training_course;
DROP TRIGGER IF EXISTS test_counter_bump ON training_session;
DROP FUNCTION IF EXISTS test_counter_bump();
DROP TABLE IF EXISTS test_counter;
"""


def _booking_and_edit_crossing(session: Session) -> list[Exception]:
    """Run A and B on their own connections, interleaved as the module says; return what they raised."""
    a_holds_session = threading.Event()
    b_wrote_course = threading.Event()
    errors: list[Exception] = []

    def run(body):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '8s'")
                body()
        except OperationalError as exc:
            errors.append(exc)
        finally:
            a_holds_session.set()
            b_wrote_course.set()
            connections.close_all()

    def booking():
        Session.objects.select_for_update().get(pk=session.pk)
        a_holds_session.set()
        b_wrote_course.wait(5)
        Session.objects.filter(pk=session.pk).update(trainers="Helen Marsh")

    def edit():
        a_holds_session.wait(5)
        type(session.course).objects.filter(pk=session.course_id).update(title="Neglect: recognising and responding")
        b_wrote_course.set()
        Session.objects.select_for_update().get(pk=session.pk)

    threads = [threading.Thread(target=run, args=(body,)) for body in (booking, edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not any(thread.is_alive() for thread in threads)
    return errors


@pytest.fixture
def session():
    return SessionFactory()


def test_a_counter_updated_as_rows_are_written_deadlocks_a_booking_and_an_edit(session):
    with connection.cursor() as cursor:
        cursor.execute(COUNTER_UPDATED_AS_ROWS_ARE_WRITTEN)
    try:
        errors = _booking_and_edit_crossing(session)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(DROP_COUNTER)

    assert len(errors) == 1
    assert "deadlock detected" in str(errors[0])


def test_the_portals_commit_time_record_lets_both_commit_and_counts_both(session):
    (before,) = pagecache.versions(["training"])

    errors = _booking_and_edit_crossing(session)

    assert errors == []
    session.refresh_from_db()
    session.course.refresh_from_db()
    assert session.trainers == "Helen Marsh"
    assert session.course.title == "Neglect: recognising and responding"
    assert pagecache.versions(["training"]) == (before + 2,)
