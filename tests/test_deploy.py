"""The class deployment with its real processes: PostgreSQL, a Dask scheduler and worker,
two Streamlit replicas and HAProxy in front (``deploy/processes.py``, as ``make class``)."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.request

import psutil


def served_by(url: str, opener=None) -> str:
    """The replica that answered ``url`` (HAProxy names it in ``X-Replica``)."""
    with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
        return response.headers["X-Replica"]


def test_the_proxy_is_the_only_way_in(deployment):
    _, started, _ = deployment
    for replica in started:
        listening = {
            c.laddr.ip
            for c in psutil.Process(replica.process.pid).net_connections("tcp")
            if c.status == psutil.CONN_LISTEN
        }
        assert listening == {"127.0.0.1"}, (replica.name, listening)


def test_students_stick_to_a_replica_by_cookie_not_by_address(deployment):
    url, started, _ = deployment
    health = f"{url}/_stcore/health"
    without_cookie = {served_by(health) for _ in range(6)}
    assert without_cookie == {r.name for r in started}  # one address, spread over both
    jar = http.cookiejar.CookieJar()
    student = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    first = served_by(health, student)
    assert [c.name for c in jar] == ["PLAYGROUND_REPLICA"] or "PLAYGROUND_REPLICA" in {
        c.name for c in jar
    }
    assert {served_by(health, student) for _ in range(6)} == {first}


def _upload(url: str, origin: str, opener, token: str | None = None) -> int:
    """The status of a file upload to the app through the proxy."""
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n'
        b"a\r\n--b--\r\n"
    )
    headers = {"Origin": origin, "Content-Type": "multipart/form-data; boundary=b"}
    if token:
        headers["X-Xsrftoken"] = token
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/session/file", data=body, method="PUT", headers=headers
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_xsrf_protection_stays_on_behind_the_proxy(deployment):
    url, _, _ = deployment
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    served_by(f"{url}/_stcore/health", browser)  # the app sets its XSRF cookie
    token = next(c.value for c in jar if c.name == "_streamlit_xsrf")
    assert _upload(url, "https://evil.example", urllib.request.build_opener()) == 403
    # the same upload with the page's own token passes the check (and fails later, on the
    # made-up session): so the 403 above is the XSRF protection, on every replica
    assert _upload(url, url, browser, token) != 403
