"""Every request has an id (``X-Request-ID``), on every log line written while it is handled and
in one JSON access line; a Celery task's lines carry the task's id."""

import io
import json
import logging
import re

import pytest
from django.urls import reverse

from oversight.logs import JsonFormatter, PlainFormatter, RequestIdFilter, request_id_var
from oversight.tasks import heartbeat

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log():
    """What our JSON formatter writes for the access log, Django's request log and Celery's task
    log, as the parsed objects (each line must be one JSON object)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(name) for name in ("oversight.access", "django.request", "celery.app.trace")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def _access(lines):
    found = [line for line in lines if line["logger"] == "oversight.access"]
    assert len(found) == 1, lines
    return found[0]


def test_a_well_formed_request_id_is_kept_returned_and_logged(client, db, json_log):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="lb-7f3a9c.2026_12")
    assert response["X-Request-ID"] == "lb-7f3a9c.2026_12"
    line = _access(json_log())
    assert line["request_id"] == "lb-7f3a9c.2026_12"
    assert line["level"] == "INFO"
    status = response.status_code  # 503 in CI's second pass, where no worker runs for this test
    assert line["message"].startswith(f"GET /healthz {status} ")
    assert line["method"] == "GET" and line["path"] == "/healthz" and line["status"] == status
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert request_id_var.get() == ""  # nothing left behind after the request


@pytest.mark.parametrize(
    "supplied",
    ["short", "has spaces in it", "<script>alert(1)</script>", "x" * 65, "id\nINFO forged log line", ""],
)
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, db, json_log, supplied):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID=supplied)
    assert GENERATED.fullmatch(response["X-Request-ID"])
    assert _access(json_log())["request_id"] == response["X-Request-ID"]


def test_two_requests_get_different_ids(client, db):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


def test_lines_logged_while_handling_the_request_carry_its_id_and_the_user(client, world, json_log):
    client.force_login(world.personas["official"])
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-abcdef12")
    assert response.status_code == 404
    lines = json_log()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and all(line["request_id"] == "req-abcdef12" for line in not_found)
    assert not_found[0]["status_code"] == 404  # Django's own extra, kept as a plain value
    assert "request" not in not_found[0]  # the request object is not printed
    access = _access(lines)
    assert access["status"] == 404 and access["user_id"] == world.personas["official"].pk


def test_a_secret_token_in_the_path_is_not_logged(client, db, json_log):
    token = "s3cr3t-feed-token-0123456789"
    client.get(reverse("meetings:meeting-feed", args=[token]))
    line = _access(json_log())
    assert token not in json.dumps(line)
    assert line["path"].endswith("/[redacted].ics")


def test_djangos_own_not_found_line_does_not_print_the_feed_token(client, db, caplog):
    token = "s3cr3t-feed-token-0123456789"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("meetings:meeting-feed", args=[token]))
    assert response.status_code == 404
    lines = [record for record in caplog.records if record.name == "django.request"]
    assert len(lines) == 1
    assert lines[0].getMessage() == "Not Found: /meetings/feed/[redacted].ics"
    assert token not in caplog.text
    # The formatted line as our formatter writes it, too.
    assert token not in JsonFormatter().format(lines[0])


def test_the_development_servers_request_line_does_not_print_the_feed_token(caplog):
    """runserver's line ('"GET /meetings/feed/<token>.ics HTTP/1.1" 404 179') has no Django
    request on its record: the path in the message is resolved to find the token."""
    token = "s3cr3t-feed-token-0123456789"
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").warning(
            '"%s" %s %s', f"GET /meetings/feed/{token}.ics HTTP/1.1", "404", "179"
        )
    assert caplog.records[-1].getMessage() == '"GET /meetings/feed/[redacted].ics HTTP/1.1" 404 179'
    assert token not in caplog.text


def test_a_task_logs_with_its_own_id_outside_a_request(db, json_log):
    result = heartbeat.delay()  # eager in tests; the same signals run in a worker
    lines = [line for line in json_log() if line["logger"] == "celery.app.trace"]
    assert lines, "Celery logged nothing for the task"
    assert all(line["request_id"] == result.id and line["task_id"] == result.id for line in lines)
    assert request_id_var.get() == ""


def test_a_task_run_inside_a_request_keeps_the_requests_id(db):
    token = request_id_var.set("req-outer-0001")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.addHandler(handler)
    trace.setLevel(logging.INFO)
    try:
        result = heartbeat.apply()
        assert request_id_var.get() == "req-outer-0001"
    finally:
        trace.removeHandler(handler)
        trace.setLevel(level)
        request_id_var.reset(token)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all(line["request_id"] == "req-outer-0001" for line in lines)
    assert all(line["task_id"] == result.id for line in lines)


def test_the_json_formatter_writes_one_parsable_line_even_for_an_exception():
    record = logging.LogRecord("oversight.test", logging.ERROR, __file__, 1, "Failed: %s", ("x\ny",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    text = JsonFormatter().format(record)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "Failed: x\ny" and entry["level"] == "ERROR" and entry["request_id"] is None
    assert "ValueError: boom" in entry["exception"]


def test_the_plain_formatter_shows_the_request_id_when_there_is_one():
    record = logging.LogRecord("oversight.test", logging.INFO, __file__, 1, "hello", (), None)
    assert "] hello" not in PlainFormatter().format(record)
    token = request_id_var.set("req-plain-0001")
    try:
        assert PlainFormatter().format(record).endswith("oversight.test [req-plain-0001] hello")
    finally:
        request_id_var.reset(token)
