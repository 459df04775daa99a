"""`make warm`: open every lesson's link once before class, so the class never waits.

Each lesson's page runs headless (Streamlit's ``AppTest``) with the lesson's values, so it
asks for exactly what a student's browser will ask for: the model, its curves, and for the
Lottery lesson its experiment. The work runs on the Dask cluster the dashboard uses
(``PRUNING_DASK_SCHEDULER``, else a local one) and lands in the persistent result store,
where the server finds it. It prints how long each lesson took, and the total.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script or as `python -m pages.ui.warm`

from pages.ui import lessons, models, state  # noqa: E402

RUN_BUTTONS = {"lottery": "lottery_run"}  # pages that compute only when Run is pressed


def warm(lesson: lessons.Lesson) -> float:
    """Open ``lesson`` as a student would (and press Run where a page needs it); seconds."""
    start = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    for key, value in lesson.preset.items():
        at.query_params[key] = state.BY_KEY[key].text(value)
    at.run()
    at.switch_page(f"pages/{lesson.page}.py").run()
    if lesson.page in RUN_BUTTONS:
        at.button(key=RUN_BUTTONS[lesson.page]).click().run()
    if at.exception:
        raise RuntimeError(f"lesson {lesson.id}: {at.exception[0].value}")
    return time.perf_counter() - start


def main() -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # no runtime here: that is the point
    total = 0.0
    for lesson in lessons.load():
        seconds = warm(lesson)
        total += seconds
        print(f"{lesson.id:<28} {lesson.link():<60} {seconds:6.1f} s", flush=True)
    print(f"every lesson is ready: {total:.1f} s")
    models.cluster().close()


if __name__ == "__main__":
    main()
