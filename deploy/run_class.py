"""`make class REPLICAS=3`: the dashboard for a class bigger than one process, on one machine.

Starts PostgreSQL (the board and the result store; kept in ``--data`` across restarts),
a Dask scheduler with workers, N Streamlit replicas of the app on loopback ports sharing
one cookie secret, and HAProxy on the public port, with sticky sessions by cookie. Ctrl+C
stops everything. ``PRUNING_BOARD_URL`` or ``PRUNING_DASK_SCHEDULER`` in the environment
use an existing database or cluster instead (see the README for several machines).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from deploy.processes import dask_cluster, haproxy, postgres_server, replicas

DATA = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share") / (
    "pruning-playground/class"
)


def cookie_secret(data: Path) -> str:
    """The replicas' shared ``server.cookieSecret``, made once and kept in a file (0600)."""
    path = data / "cookie_secret"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


@contextlib.contextmanager
def board_url(data: Path):
    """``$PRUNING_BOARD_URL``, else a PostgreSQL server of our own with a ``playground``
    database (created on first use)."""
    if os.environ.get("PRUNING_BOARD_URL"):
        yield os.environ["PRUNING_BOARD_URL"]
        return
    import sqlalchemy

    with postgres_server(data / "postgres") as server:
        engine = sqlalchemy.create_engine(server.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if not conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = 'playground'"
            ).scalar():
                conn.exec_driver_sql("CREATE DATABASE playground")
        engine.dispose()
        yield server.url.rsplit("/", 1)[0] + "/playground"


@contextlib.contextmanager
def scheduler(workers: int):
    """``$PRUNING_DASK_SCHEDULER``, else a scheduler and workers of our own."""
    if os.environ.get("PRUNING_DASK_SCHEDULER"):
        yield os.environ["PRUNING_DASK_SCHEDULER"]
        return
    with dask_cluster(workers) as (address, _):
        yield address


def public_url(address: str, port: int) -> str:
    """The address to give students: this machine's own when listening on all of them."""
    if address in ("0.0.0.0", ""):
        with contextlib.suppress(OSError):
            address = socket.gethostbyname(socket.gethostname())
    return f"http://{address}:{port}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="make class", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Dask workers")
    parser.add_argument("--address", default="0.0.0.0", help="the address students reach")
    parser.add_argument("--port", type=int, default=8500, help="the port students reach")
    parser.add_argument("--data", type=Path, default=DATA, help="where the class's data live")
    args = parser.parse_args(argv)
    with (
        board_url(args.data) as board,
        scheduler(args.workers) as address,
        replicas(
            args.replicas,
            {"PRUNING_BOARD_URL": board, "PRUNING_DASK_SCHEDULER": address},
            cookie_secret(args.data),
        ) as started,
        haproxy(args.address, args.port, started),
    ):
        print(f"{len(started)} replicas, Dask at {address}, board in PostgreSQL", flush=True)
        print(f"students open {public_url(args.address, args.port)} (Ctrl+C stops)", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # one Ctrl+C stops everything, once


if __name__ == "__main__":
    main()
