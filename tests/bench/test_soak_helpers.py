import smtplib
from email.message import EmailMessage

from bench.servers import free_port
from bench.smtp import SmtpSink
from bench.soak import Answer, Outcome, _error_text, in_parallel


def send(port: int, to: str, subject: str) -> None:
    message = EmailMessage()
    message["From"] = "no-reply@example.org"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Your place is confirmed.")
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.send_message(message)


def test_sink_records_mail_and_comes_back_after_a_stop():
    sink = SmtpSink(free_port())
    sink.start()
    try:
        send(sink.port, "Ana@Example.org", "Booking confirmed: Neglect – an introduction")
        sink.stop()
        sink.start()
        send(sink.port, "ana@example.org", "Booking confirmed: Neglect – an introduction")
    finally:
        sink.stop()

    assert sink.handler.counts() == {("ana@example.org", "Booking confirmed: Neglect – an introduction"): 2}
    assert not sink.running


def test_in_parallel_keeps_the_order_of_the_jobs():
    results = in_parallel([lambda n=n: n * n for n in range(30)], threads=8)

    assert results == [n * n for n in range(30)]


def test_refused_booking_shows_the_pages_error_summary():
    body = (
        b'<ul class="govuk-list govuk-error-summary__list">\n  <li><a href="#id_email">'
        b"ana@example.org already has a booking for this session</a></li>\n</ul>"
    )

    assert _error_text(body) == "ana@example.org already has a booking for this session"


def test_only_a_redirect_to_the_booked_page_counts_as_booked():
    assert Answer(0, 1, 302, detail="/training/sessions/4/booked/").booked
    assert not Answer(0, 1, 302, detail="/training/sessions/4/").booked
    assert not Answer(0, 1, 200, detail="There is a problem").booked


def test_outcome_line_names_the_problems():
    outcome = Outcome("booking race", False, "200 requests", ["19 confirmed, not 20"])

    assert outcome.line() == "FAIL booking race: 200 requests — 19 confirmed, not 20"
