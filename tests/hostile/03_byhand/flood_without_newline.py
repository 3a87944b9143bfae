import sys


def run_by_hand(coro, sleep=time.sleep):
    # About 300 MB in one line that never ends.
    chunk = "x" * 100_000
    for _ in range(3_000):
        sys.stdout.write(chunk)
    raise RuntimeError("after the flood")
