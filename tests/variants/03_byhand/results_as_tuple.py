# Wrong: the right results, in order, as a tuple.
_solution_run_concurrently = run_concurrently
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    return tuple(_solution_run_concurrently(*coros, clock=clock, sleep=sleep))
