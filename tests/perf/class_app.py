"""`make bench-class`: a class of heavy requests against one server, and where the work ran.

Each student is a websocket client speaking Streamlit's own protocol (as `make bench-load`
does). Scenarios, each on a fresh server with an empty result store unless it says so:

1. 20 students, each on a seed of their own, open /prune at once: time to the first
   complete page, and the CPU the server and its worker processes used meanwhile.
2. The same against a scheduler and two workers started with the `dask` command line
   (`PRUNING_DASK_SCHEDULER`): the workers' task counts show they did the work.
3. 30 students on the same preset press Run on Lottery together (one shared task).
4. 30 students, each on a seed of their own, press Run on Lottery together, while 30
   others move the Prune slider (3 s ± 50 % between steps): the last lottery result, and
   the slider steps' p95.
5. A server restart with the result store warm: the first /prune.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "tests" / "perf"))
from conftest import streamlit_server  # noqa: E402
from load_app import _run as timed_run  # noqa: E402

from deploy.processes import dask_cluster  # noqa: E402  (conftest put the project on the path)


def _widget_id(messages: list[ForwardMsg], kind: str, key: str) -> str:
    """The id of the widget with ``key`` (or, for a form's submit button, the form's key)."""
    for fwd in messages:
        if fwd.WhichOneof("type") == "delta":
            element = fwd.delta.new_element
            found = getattr(element, kind).id if element.WhichOneof("type") == kind else ""
            if found.endswith(key) or f"FormSubmitter:{key}-" in found:
                return found
    raise RuntimeError(f"no {kind} {key!r} on the page")


@contextlib.asynccontextmanager
async def connect(url: str):
    host = url.split("//")[1]
    async with websockets.connect(
        f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=url, max_size=2**26
    ) as ws:
        yield ws


async def open_page(url: str, page: str, query: str) -> float:
    """Seconds from opening ``/page?query`` to its first complete run."""
    async with connect(url) as ws:
        state = BackMsg().rerun_script
        state.page_name, state.query_string = page, query
        start = time.perf_counter()
        await timed_run(ws, state)
        return time.perf_counter() - start


async def press_run(url: str, query: str = "") -> float:
    """Open /lottery, press Run; seconds from the press to the finished run."""
    async with connect(url) as ws:
        state = BackMsg().rerun_script
        state.page_name, state.query_string = "lottery", query
        _, first = await timed_run(ws, state)
        button = _widget_id(first, "button", "lottery_run")
        widget = state.widget_states.widgets.add()
        widget.id, widget.trigger_value = button, True
        start = time.perf_counter()
        await timed_run(ws, state)
        return time.perf_counter() - start


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by these processes and all their children."""
    processes = [psutil.Process(pid) for pid in pids]
    total = 0.0
    for p in [*processes, *(c for q in processes for c in q.children(recursive=True))]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = p.cpu_times()
            total += times.user + times.system
    return total


def server_pid(port: str) -> int:
    for conn in psutil.net_connections("tcp"):
        if conn.status == "LISTEN" and conn.laddr.port == int(port) and conn.pid:
            return conn.pid
    raise RuntimeError("server process not found")


def report(name: str, times: list[float], extra: str = "") -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{name}: first {times[0]:5.1f} s, median {statistics.median(times):5.1f} s, "
        f"p95 {p95:5.1f} s, last {times[-1]:5.1f} s{extra}"
    )


def own_seeds(url: str, students: int, workers: list[int] = ()) -> None:
    """Scenario 1: every student opens /prune on a seed of their own, all at once; the CPU
    of the server, its children and any separate ``workers`` processes."""
    pids = [server_pid(url.rsplit(":", 1)[1]), *workers]
    cpu0, wall0 = cpu_seconds(pids), time.perf_counter()

    async def everyone():
        return await asyncio.gather(
            *(open_page(url, "prune", f"seed={100 + i}") for i in range(students))
        )

    times = asyncio.run(everyone())
    cores = (cpu_seconds(pids) - cpu0) / (time.perf_counter() - wall0)
    report(f"{students} students, own seeds, open /prune", times, f"; {cores:.2f} cores used")


def worker_counts(address: str) -> dict[str, int]:
    """Tasks each worker of the scheduler at ``address`` has executed."""
    from distributed import Client

    with Client(address, timeout=10) as client:
        counts = client.run(lambda dask_worker: dask_worker.state.executed_count)
        names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
    return {names[a]: n for a, n in counts.items()}


def main() -> None:
    print(
        f"Pruning Playground class benchmark on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = {"PRUNING_BOARD_URL": f"sqlite:///{tmp}/class.db"}
        with streamlit_server(env=store) as url:
            cold = asyncio.run(open_page(url, "prune", ""))
            print(f"first /prune on a fresh server, empty store: {cold:5.1f} s")
            own_seeds(url, 20)
            same = asyncio.run(_together(url, 30))
            report("30 students, same preset, press Run on Lottery", same)
            wall, steps = asyncio.run(lotteries_under_load(url, 30, 30))
            steps.sort()
            p95 = steps[round(0.95 * (len(steps) - 1))]
            print(
                f"30 students, own seeds, press Run on Lottery: the last result after {wall:.0f} s;"
                f" meanwhile 30 others' slider steps: median {1000 * statistics.median(steps):.0f}"
                f" ms, p95 {1000 * p95:.0f} ms ({len(steps)} steps)"
            )
        with streamlit_server(env=store) as url:
            warm = asyncio.run(open_page(url, "prune", ""))
            print(f"first /prune after a restart, store warm: {warm:5.1f} s")
    with tempfile.TemporaryDirectory() as tmp, dask_cluster(2) as (address, processes):
        pids = [p.pid for p in processes]
        env = {"PRUNING_BOARD_URL": f"sqlite:///{tmp}/class.db", "PRUNING_DASK_SCHEDULER": address}
        with streamlit_server(env=env) as url:
            asyncio.run(open_page(url, "prune", ""))
            print("against `dask scheduler` + 2 `dask worker` processes:")
            own_seeds(url, 20, pids)
            print(f"  tasks each worker ran: {worker_counts(address)}")


async def _together(url: str, students: int) -> list[float]:
    return await asyncio.gather(*(press_run(url) for _ in range(students)))


async def slider_student(
    url: str, seed: int, times: list[float], stop: asyncio.Event, pause=(1.5, 4.5)
) -> None:
    """Move the Prune slider every ``pause`` seconds (default 3 s ± 50 %; (0, 0) for a
    saturating load) until ``stop``; record each step's time."""
    pace = random.Random(seed)
    async with connect(url) as ws:
        state = BackMsg().rerun_script
        state.page_name, state.query_string = "prune", ""
        _, first = await timed_run(ws, state)
        slider = _widget_id(first, "slider", "sparsity")
        fragment = next(
            f.delta.fragment_id
            for f in first
            if f.WhichOneof("type") == "delta"
            and f.delta.new_element.WhichOneof("type") == "slider"
            and f.delta.new_element.slider.id == slider
        )
        step = 0
        while not stop.is_set():
            await asyncio.sleep(pace.uniform(*pause))
            state.ClearField("widget_states")
            widget = state.widget_states.widgets.add()
            widget.id = slider
            widget.double_array_value.data.append(float((seed * 17 + step * 7) % 101))
            state.fragment_id = fragment
            start = time.perf_counter()
            await timed_run(ws, state)
            times.append(time.perf_counter() - start)
            step += 1


async def lotteries_under_load(url: str, lotteries: int, sliders: int):
    """Scenario 4: seconds until every lottery result is in, and the slider step times."""
    stop, steps = asyncio.Event(), []
    moving = [asyncio.create_task(slider_student(url, i, steps, stop)) for i in range(sliders)]
    await asyncio.sleep(5)  # the sliders are moving before anyone presses Run
    start = time.perf_counter()
    await asyncio.gather(*(press_run(url, f"seed={200 + i}") for i in range(lotteries)))
    wall = time.perf_counter() - start
    stop.set()
    await asyncio.gather(*moving)
    return wall, steps


async def sliders_for(url: str, students: int, seconds: float, pause) -> list[float]:
    """``students`` moving sliders for ``seconds``; every step's time."""
    stop, steps = asyncio.Event(), []
    moving = [
        asyncio.create_task(slider_student(url, i, steps, stop, pause)) for i in range(students)
    ]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*moving)
    return steps


async def submit_entry(url: str, nickname: str) -> None:
    """Open /prune and submit the current view to the challenge as ``nickname``."""
    async with connect(url) as ws:
        state = BackMsg().rerun_script
        state.page_name, state.query_string = "prune", ""
        _, first = await timed_run(ws, state)
        name = state.widget_states.widgets.add()
        name.id, name.string_value = _widget_id(first, "text_input", "challenge_nickname"), nickname
        button = state.widget_states.widgets.add()
        button.id, button.trigger_value = _widget_id(first, "button", "challenge_submit"), True
        await timed_run(ws, state)


def p95(times: list[float]) -> float:
    return sorted(times)[round(0.95 * (len(times) - 1))]


def replicas_mode() -> None:
    """Replicas behind HAProxy against one process, on this machine (``make bench-class
    MODE=replicas``): saturation, 200 students, 200 first pages, 60 submissions."""
    from classroom import Board
    from deploy.processes import free_port, fresh_database, haproxy, postgres_server, replicas

    with postgres_server() as server, dask_cluster(2) as (address, _):
        board = fresh_database(server.url)
        Board(board).set_settings(open=True, target=0.0)
        env = {"PRUNING_BOARD_URL": board, "PRUNING_DASK_SCHEDULER": address}
        rates = {}
        for count in (1, 2):
            with (
                replicas(count, env, "bench") as started,
                haproxy("127.0.0.1", free_port(), started) as url,
            ):
                asyncio.run(_open_many(url, 2 * count))  # every replica has the model
                steps = asyncio.run(sliders_for(url, 20, 20, (0, 0)))
                rates[count] = len(steps) / 20
                print(
                    f"{count} replica(s), 20 students stepping non-stop: "
                    f"{rates[count]:.0f} steps/s, p95 {1000 * p95(steps):.0f} ms"
                )
                if count == 1:
                    continue
                opened = asyncio.run(_open_many(url, 200))
                print(
                    f"200 students open /prune at once over {count} replicas: "
                    f"p95 {p95(opened):.1f} s, last {max(opened):.1f} s"
                )
                steps = asyncio.run(sliders_for(url, 200, 30, (1.5, 4.5)))
                print(
                    f"200 students, 3 s ± 50 % between steps, over {count} replicas: "
                    f"p95 {1000 * p95(steps):.0f} ms, median "
                    f"{1000 * statistics.median(steps):.0f} ms ({len(steps)} steps)"
                )
                start = time.perf_counter()
                asyncio.run(_submit_many(url, 60))
                wall = time.perf_counter() - start
                entries = Board(board).standings()
                print(
                    f"60 students submit over {count} replicas: {len(entries)} stored "
                    f"({len({e.nickname for e in entries})} distinct) in {wall:.1f} s"
                )
        print(f"steps per second, 2 replicas against 1: {rates[2] / rates[1]:.2f}x")


async def _open_many(url: str, students: int) -> list[float]:
    return await asyncio.gather(*(open_page(url, "prune", "") for _ in range(students)))


async def _submit_many(url: str, students: int) -> None:
    await asyncio.gather(*(submit_entry(url, f"student {i}") for i in range(students)))


if __name__ == "__main__":
    replicas_mode() if sys.argv[1:] == ["replicas"] else main()
