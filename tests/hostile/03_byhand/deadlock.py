import threading

_lock = threading.Lock()


def run_by_hand(coro, sleep=time.sleep):
    # Takes a lock it already holds: waits for itself for ever.
    with _lock, _lock:
        return None
