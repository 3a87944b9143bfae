# Right: a deque taken in turns; a coroutine not yet due goes to the back unless it is the
# earliest, then the scheduler sleeps until it is due.
from collections import deque
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = [None] * len(coros)
    ready = deque((clock(), i) for i in range(len(coros)))
    while ready:
        due, i = ready.popleft()
        if due > clock():
            # not due: go round, but sleep if nobody is due
            earliest = min(d for d, _ in ready) if ready else due
            if earliest >= due or not ready:
                sleep(due - clock())
            else:
                ready.append((due, i))
                continue
        try:
            ready.append((clock() + coros[i].send(None), i))
        except StopIteration as e:
            results[i] = e.value
    return results
