# A correct solution that writes a temporary file and uses a small process pool: both allowed.
import concurrent.futures
import tempfile

_solved_run_by_hand = run_by_hand


_pool_tried = []


def run_by_hand(coro, sleep=time.sleep):
    with tempfile.TemporaryFile() as scratch:
        scratch.write(b"notes")
    if not _pool_tried:  # once: a check calls run_by_hand on many coroutines
        _pool_tried.append(True)
        with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
            assert pool.submit(abs, -2).result() == 2
    return _solved_run_by_hand(coro, sleep)
