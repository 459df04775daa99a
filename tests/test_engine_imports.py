"""The engine is only an engine: importing all of ``pruning`` pulls in no app or database.

``pruning`` may use numpy, scipy, scikit-learn, pandas, joblib and threadpoolctl; the
dashboard (streamlit, ``pages``), the compute service (Dask, ``compute``) and the class
board (SQLAlchemy, ``classroom``) sit on top of it, never underneath.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("sqlalchemy", "streamlit", "dask", "distributed", "classroom", "compute", "pages")

SCRIPT = """
import importlib, json, pkgutil, sys
import pruning
names = [m.name for m in pkgutil.walk_packages(pruning.__path__, "pruning.")]
for name in names:
    if name != "pruning.__main__":  # runs the CLI
        importlib.import_module(name)
top = sorted({name.partition(".")[0] for name in sys.modules})
print(json.dumps({"modules": names, "top": top}))
"""


def test_importing_every_engine_module_loads_no_app_or_database_package():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert "pruning.cli" in loaded["modules"] and "pruning.config" in loaded["modules"]
    assert [name for name in FORBIDDEN if name in loaded["top"]] == []
