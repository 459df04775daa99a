"""`make bench-load`: many students moving the Prune slider at once, against one server.

Each simulated student is a websocket client speaking Streamlit's own protocol, as the
browser does: it opens /prune, then sends slider changes (fragment reruns) one after the
other and times each until the server reports the script finished. AppTest cannot do
this (it is not thread-safe), and real browsers would measure the browsers, not the server.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from conftest import streamlit_server  # noqa: E402

STEPS = 10


DONE = (0, 3)  # FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY (not early-for-rerun)


async def _run(ws, client_state) -> tuple[float, list[ForwardMsg]]:
    """Send one rerun and collect the messages until the server's run ends successfully."""
    msg = BackMsg()
    msg.rerun_script.CopyFrom(client_state)
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    seen = []
    while True:
        fwd = ForwardMsg()
        fwd.ParseFromString(await ws.recv())
        seen.append(fwd)
        kind = fwd.WhichOneof("type")
        if kind == "script_finished" and fwd.script_finished in DONE:
            return time.perf_counter() - start, seen


async def student(url: str, seed: int, times: list[float]) -> None:
    host = url.split("//")[1]
    async with websockets.connect(
        f"ws://{host}/_stcore/stream", subprotocols=["streamlit"],
        origin=url, max_size=2**26,
    ) as ws:  # fmt: skip
        state = BackMsg().rerun_script
        state.page_name = "prune"
        state.query_string = ""
        _, first = await _run(ws, state)
        slider = fragment = None
        for fwd in first:
            if (
                fwd.WhichOneof("type") == "delta"
                and fwd.delta.new_element.WhichOneof("type") == "slider"
            ):
                element = fwd.delta.new_element.slider
                if element.id.endswith("sparsity"):
                    slider, fragment = element.id, fwd.delta.fragment_id
        if slider is None:
            raise RuntimeError("no sparsity slider in /prune")
        for i in range(STEPS):
            state.ClearField("widget_states")
            widget = state.widget_states.widgets.add()
            widget.id = slider
            widget.double_array_value.data.append(float((seed * 17 + i * 7) % 101))
            state.fragment_id = fragment
            elapsed, _ = await _run(ws, state)
            times.append(elapsed)
            await asyncio.sleep(0.2)  # a student reads the chart before moving again


async def classroom(url: str, students: int) -> tuple[list[float], float]:
    times: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(student(url, s, times) for s in range(students)))
    return times, time.perf_counter() - start


def main() -> None:
    print(
        f"Pruning Playground load test on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    with streamlit_server("app.py") as url:
        asyncio.run(classroom(url, 1))  # trains and caches the default model
        for students in (1, 10, 30):
            times, wall = asyncio.run(classroom(url, students))
            times.sort()
            print(
                f"{students:3d} students: {len(times) / wall:6.1f} slider steps/s, "
                f"median {1000 * statistics.median(times):6.0f} ms, "
                f"p90 {1000 * times[int(0.9 * len(times))]:6.0f} ms per step"
            )


if __name__ == "__main__":
    main()
