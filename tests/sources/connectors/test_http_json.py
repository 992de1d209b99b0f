"""The HTTP JSON connector against a real local HTTP server."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from goalkeeper.sources.connectors import Context, SourceError, connector_class
from goalkeeper.sources.connectors.http_json import HttpJsonConnector
from tests.sources.connectors.conftest import PARIS, paris

pytestmark = pytest.mark.usefixtures("allow_local_outbound")

SERIES = {
    "series": [
        {"date": "2026-08-01", "mrr": 100},
        {"date": "2026-08-02T12:00:00Z", "mrr": "110.5"},
        {"date": 1785700800, "mrr": 120},
    ]
}


def source(
    context: Context, url: str, value_path: str, timestamp_path: str = "", headers: str = ""
) -> HttpJsonConnector:
    return HttpJsonConnector(
        {"url": url, "value_path": value_path, "timestamp_path": timestamp_path},
        {"headers": headers},
        context,
    )


def test_the_kind_is_registered():
    assert connector_class("http_json") is HttpJsonConnector
    assert HttpJsonConnector.label == "HTTP JSON endpoint"
    assert HttpJsonConnector.secret_names() == {"headers"}
    assert [p.name for p in HttpJsonConnector.parameters] == [
        "url",
        "headers",
        "value_path",
        "timestamp_path",
    ]


def test_a_current_value_is_stamped_with_the_time_it_was_read(httpserver: HTTPServer, context):
    httpserver.expect_request("/metrics", headers={"X-Api-Key": "k3y"}).respond_with_json(
        {"data": {"mrr": 41200.5}}
    )
    connector = source(
        context, httpserver.url_for("/metrics"), "$.data.mrr", headers="X-Api-Key: k3y"
    )
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    [row] = connector.fetch(None)
    after = dt.datetime.now(dt.UTC)
    assert row.value == 41200.5
    assert row.line == 1
    assert before <= row.timestamp <= after
    assert row.timestamp.microsecond == 0
    assert row.timestamp.utcoffset() == dt.timedelta(0)


def test_a_series_pairs_values_and_timestamps_in_order(httpserver: HTTPServer, context):
    httpserver.expect_request("/series").respond_with_json(SERIES)
    connector = source(
        context, httpserver.url_for("/series"), "$.series[*].mrr", "$.series[*].date"
    )
    rows = connector.fetch(None)
    assert [(r.line, r.timestamp, r.value) for r in rows] == [
        (1, paris(2026, 8, 1), 100.0),
        (2, dt.datetime(2026, 8, 2, 12, tzinfo=dt.UTC), 110.5),
        # Seconds since 1970.
        (3, dt.datetime(2026, 8, 2, 20, tzinfo=dt.UTC), 120.0),
    ]
    assert [r.value for r in connector.preview()] == [100.0, 110.5, 120.0]


def test_since_keeps_the_rows_from_that_instant_on(httpserver: HTTPServer, context):
    httpserver.expect_request("/series").respond_with_json(SERIES)
    connector = source(
        context, httpserver.url_for("/series"), "$.series[*].mrr", "$.series[*].date"
    )
    rows = connector.fetch(dt.datetime(2026, 8, 2, 12, tzinfo=dt.UTC))
    assert [(r.line, r.value) for r in rows] == [(2, 110.5), (3, 120.0)]


def test_filters_of_the_extended_syntax_work(httpserver: HTTPServer, context):
    httpserver.expect_request("/plans").respond_with_json(
        {"plans": [{"name": "pro", "users": 7}, {"name": "free", "users": 90}]}
    )
    connector = source(context, httpserver.url_for("/plans"), "$.plans[?(@.name == 'pro')].users")
    assert [r.value for r in connector.fetch(None)] == [7.0]


def test_text_where_a_number_belongs_names_the_row_without_quoting_it(
    httpserver: HTTPServer, context
):
    body = {"series": [{"d": "2026-08-01", "v": 1}, {"d": "2026-08-02", "v": "abc"}]}
    httpserver.expect_request("/series").respond_with_json(body)
    with pytest.raises(SourceError) as caught:
        source(context, httpserver.url_for("/series"), "$.series[*].v", "$.series[*].d").fetch(None)
    assert str(caught.value) == (
        "row 2: value: not a number that can be stored (the answer is not shown)"
    )


def test_a_path_to_an_object_is_not_a_number(httpserver: HTTPServer, context):
    httpserver.expect_request("/m").respond_with_json({"data": {"mrr": {"eur": 1}}})
    with pytest.raises(SourceError, match=r"^row 1: value: the path points to an object"):
        source(context, httpserver.url_for("/m"), "$.data.mrr").fetch(None)


def test_epoch_milliseconds_are_caught_with_a_hint(httpserver: HTTPServer, context):
    httpserver.expect_request("/m").respond_with_json({"at": 1785700800000, "v": 1})
    with pytest.raises(SourceError, match=r"^row 1: timestamp: .* \(milliseconds\? give seconds\)"):
        source(context, httpserver.url_for("/m"), "$.v", "$.at").fetch(None)


def test_a_path_that_matches_nothing_says_which(httpserver: HTTPServer, context):
    httpserver.expect_request("/m").respond_with_json({"data": {}})
    with pytest.raises(SourceError, match=r"^value_path “\$\.data\.mrr” matches nothing"):
        source(context, httpserver.url_for("/m"), "$.data.mrr").fetch(None)


def test_several_values_without_timestamps_are_refused(httpserver: HTTPServer, context):
    httpserver.expect_request("/series").respond_with_json(SERIES)
    with pytest.raises(SourceError, match="matches 3 values: give a timestamp_path"):
        source(context, httpserver.url_for("/series"), "$.series[*].mrr").fetch(None)


def test_counts_that_disagree_are_refused(httpserver: HTTPServer, context):
    httpserver.expect_request("/m").respond_with_json({"v": [1, 2], "t": ["2026-08-01"]})
    with pytest.raises(SourceError, match="matches 2 values but timestamp_path matches 1"):
        source(context, httpserver.url_for("/m"), "$.v[*]", "$.t[*]").fetch(None)


def test_an_error_status_says_which(httpserver: HTTPServer, context):
    httpserver.expect_request("/m").respond_with_data("boom", status=500)
    with pytest.raises(SourceError, match=r"answered HTTP 500 Internal Server Error$"):
        source(context, httpserver.url_for("/m"), "$.v").fetch(None)


def test_an_answer_that_is_not_json_says_so_without_quoting_it(httpserver: HTTPServer, context):
    httpserver.expect_request("/m").respond_with_data(
        "<html>Login</html>", content_type="text/x-secret-word; charset=utf-8"
    )
    with pytest.raises(SourceError) as caught:
        source(context, httpserver.url_for("/m"), "$.v").fetch(None)
    # Neither the body nor the server's Content-Type comes back.
    assert str(caught.value) == f"the answer from {httpserver.host}:{httpserver.port} is not JSON"


def test_a_slow_server_times_out(late_httpserver: HTTPServer):
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response(json.dumps({"v": 1}), content_type="application/json")

    late_httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"^the server .* did not answer in time \(within 0\.5 s"):
        source(Context(0.5, PARIS), late_httpserver.url_for("/slow"), "$.v").fetch(None)
    assert time.monotonic() - started < 1.4


def test_a_closed_port_is_a_source_that_is_down(context, closed_port):
    url = f"http://127.0.0.1:{closed_port}/m"
    with pytest.raises(SourceError) as caught:
        source(context, url, "$.v").fetch(None)
    assert str(caught.value) == (
        f"could not connect to 127.0.0.1:{closed_port}: the connection was refused "
        "(is the server running?)"
    )


def test_an_answer_larger_than_the_limit_is_refused(httpserver: HTTPServer, context, settings):
    settings.SOURCE_MAX_BYTES = 100
    httpserver.expect_request("/big").respond_with_json({"v": 1, "pad": "x" * 500})
    with pytest.raises(SourceError, match=r"is larger than .* MB, the limit"):
        source(context, httpserver.url_for("/big"), "$.v").fetch(None)


def test_redirects_are_followed(httpserver: HTTPServer, context):
    httpserver.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_json({"v": 3})
    assert [r.value for r in source(context, httpserver.url_for("/old"), "$.v").fetch(None)] == [
        3.0
    ]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({}, "url", "this field is required"),
        ({"url": "file:///etc/passwd", "value_path": "$.v"}, "url", "only http:// and https://"),
        ({"url": "https://x.example", "value_path": "$.["}, "value_path", "not a valid JSONPath"),
        (
            {"url": "https://x.example", "value_path": "$.v", "timestamp_path": "$[?(@.x >)]"},
            "timestamp_path",
            "not a valid JSONPath",
        ),
    ],
)
def test_configuration_errors_name_the_field(context, values, field, message):
    errors = HttpJsonConnector(values, {}, context).check()
    assert field in errors
    assert message in errors[field]


def test_malformed_headers_name_the_line_and_not_the_secret(context):
    connector = source(context, "https://x.example", "$.v", headers="Authorization s3cret")
    assert connector.check() == {"headers": "line 1 is not “Name: value”"}
    with pytest.raises(SourceError, match="headers: line 1") as caught:
        connector.fetch(None)
    assert "s3cret" not in str(caught.value)


def test_describe_names_the_host_and_path_only(context):
    connector = source(context, "https://api.example.com/v1/m?api_key=s3cret", "$.data.mrr")
    assert connector.describe() == "JSON from api.example.com, $.data.mrr"


def test_secret_headers_follow_a_redirect_on_the_same_origin_only(httpserver: HTTPServer, context):
    # "localhost" and "127.0.0.1" are two origins for the browser rules httpx follows.
    elsewhere = f"http://127.0.0.1:{httpserver.port}"
    httpserver.expect_request("/same").respond_with_data(
        "", status=302, headers={"Location": "/moved"}
    )
    httpserver.expect_request("/moved", headers={"X-Api-Key": "k3y"}).respond_with_data(
        "", status=302, headers={"Location": f"{elsewhere}/other"}
    )
    httpserver.expect_request("/other").respond_with_json({"v": 5})
    url = f"http://localhost:{httpserver.port}/same"
    connector = source(context, url, "$.v", headers="X-Api-Key: k3y\nAuthorization: Bearer t")
    assert [r.value for r in connector.fetch(None)] == [5.0]
    received = {request.path: request.headers for request, _ in httpserver.log}
    assert received["/moved"]["X-Api-Key"] == "k3y"
    assert "X-Api-Key" not in received["/other"]
    assert "Authorization" not in received["/other"]
