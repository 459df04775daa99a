"""The class deployment with its real processes: PostgreSQL, a Dask scheduler and worker,
two Streamlit replicas and HAProxy in front (``deploy/processes.py``, as ``make class``)."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.request

import psutil
import pytest


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


def test_xsrf_protection_stays_on_behind_the_proxy(deployment):
    url, _, _ = deployment
    upload = urllib.request.Request(
        f"{url}/_stcore/upload_file/session/file",
        data=b"--x--",
        method="PUT",
        headers={"Origin": "https://evil.example", "Content-Type": "multipart/form-data"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(upload, timeout=10)
    assert refused.value.code == 403
