"""The class deployment's processes, each started by its own project's command line.

PostgreSQL (Debian's ``initdb``/``pg_ctl``), a Dask scheduler and workers (``dask``), N
Streamlit replicas of the app (``streamlit run``) and HAProxy in front. Every function is a
context manager that starts its processes, waits until they answer, and stops them on
exit; the tests start the same processes through the same functions.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HAPROXY_CONFIG = Path(__file__).with_name("haproxy.cfg")
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, what: str, process: subprocess.Popen) -> None:
    """Poll ``url``'s ``/_stcore/health`` (Streamlit's, or HAProxy's through to a replica)
    until it answers 200, or fail saying ``what`` did not start: at once when ``process``
    has exited, else after 90 seconds."""
    deadline = time.monotonic() + 90
    while not _answers(f"{url}/_stcore/health"):
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within 90 s")
        time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(processes: list[subprocess.Popen]) -> None:
    for p in reversed(processes):
        if p.poll() is None:
            p.terminate()
    for p in processes:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


# --- PostgreSQL ---------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_server_user(argv: list[str]) -> list[str]:
    """``argv`` run as the ``postgres`` user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class Postgres:
    """A PostgreSQL server on loopback, in a data directory of its own."""

    data: Path
    port: int
    url: str  # SQLAlchemy URL of its ``postgres`` database

    def pg_ctl(self, *args: str) -> None:
        ctl = str(postgres_bin() / "pg_ctl")
        subprocess.run(_as_server_user([ctl, "-D", str(self.data), *args]), check=True, **QUIET)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-o", options, "-l", str(self.data.parent / "log"), "-w", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")


@contextlib.contextmanager
def postgres_server(home: Path | None = None) -> Iterator[Postgres]:
    """A PostgreSQL server in ``home`` (kept, so a class's board survives a restart of the
    deployment) or in a temporary directory (removed afterwards)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    keep = home is not None
    home = Path(home or tempfile.mkdtemp(prefix="pg-"))
    home.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    data = home / "data"
    if not data.exists():
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "playground"]
        subprocess.run(_as_server_user(initdb), check=True, **QUIET)
    port = free_port()
    server = Postgres(data, port, f"postgresql+psycopg://playground@127.0.0.1:{port}/postgres")
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """A new, empty database on the server at ``server_url``; its URL."""
    import sqlalchemy

    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


# --- Dask ---------------------------------------------------------------------------------


@contextlib.contextmanager
def dask_cluster(workers: int) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A scheduler and ``workers`` single-threaded workers from the ``dask`` command line."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    scheduler = [
        BIN / "dask",
        "scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-dashboard",
    ]
    processes = [subprocess.Popen(scheduler, cwd=ROOT, env=env, **QUIET)]
    processes += [
        subprocess.Popen(
            [
                BIN / "dask",
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--name",
                f"worker{i}",
            ],
            cwd=ROOT,
            env=env,
            **QUIET,
        )
        for i in range(workers)
    ]
    try:
        yield address, processes
    finally:
        _stop(processes)


# --- Streamlit replicas and HAProxy -----------------------------------------------------------


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_replica(name: str, env: dict[str, str], cookie_secret: str) -> Replica:
    """One ``streamlit run app.py`` on a loopback port: only the proxy reaches it."""
    port = free_port()
    argv = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    argv += ["--server.address", "127.0.0.1", "--server.enableXsrfProtection", "true"]
    # Streamlit takes the secret from the environment only, never from a command line.
    secret = {"STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret, "PYTHONPATH": str(ROOT)}
    env = {**os.environ, **secret, **env}
    return Replica(name, port, subprocess.Popen(argv, cwd=ROOT, env=env, **QUIET))


@contextlib.contextmanager
def replicas(count: int, env: dict[str, str], cookie_secret: str) -> Iterator[list[Replica]]:
    """``count`` replicas of the app sharing ``env`` (board, store, scheduler) and the
    cookie secret; yields them once every one answers its health check."""
    started = [start_replica(f"r{i + 1}", env, cookie_secret) for i in range(count)]
    try:
        for r in started:
            wait_until_healthy(r.url, f"replica {r.name}", r.process)
        yield started
    finally:
        _stop([r.process for r in started])


def haproxy_config(address: str, port: int, servers: list[Replica]) -> str:
    """``haproxy.cfg`` with the public address and one ``server`` line per replica."""
    lines = "\n".join(
        f"    server {r.name} 127.0.0.1:{r.port} check cookie {r.name}" for r in servers
    )
    return string.Template(HAPROXY_CONFIG.read_text()).substitute(
        address=address, port=port, servers=lines
    )


def haproxy_bin() -> str | None:
    """Debian's ``haproxy`` (in /usr/sbin, which a user's PATH may lack), or None."""
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None
    )


@contextlib.contextmanager
def haproxy(address: str, port: int, servers: list[Replica]) -> Iterator[str]:
    """HAProxy on ``address:port`` in front of ``servers``; yields the public URL."""
    exe = haproxy_bin()
    if exe is None:
        raise RuntimeError("HAProxy is not installed: apt-get install haproxy")
    folder = Path(tempfile.mkdtemp(prefix="haproxy-"))
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(address, port, servers))
    subprocess.run([exe, "-c", "-q", "-f", str(config)], check=True)
    process = subprocess.Popen([exe, "-db", "-f", str(config)], **QUIET)
    host = "127.0.0.1" if address in ("0.0.0.0", "") else address
    url = f"http://{host}:{port}"
    try:
        wait_until_healthy(url, "HAProxy", process)
        yield url
    finally:
        _stop([process])
        shutil.rmtree(folder, ignore_errors=True)
