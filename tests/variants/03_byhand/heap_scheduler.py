import heapq
import itertools


def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = [None] * len(coros)
    order = itertools.count()
    queue = [(clock(), next(order), index) for index in range(len(coros))]
    heapq.heapify(queue)
    while queue:
        due, _, index = heapq.heappop(queue)
        now = clock()
        if due > now:
            sleep(due - now)
        try:
            delay = coros[index].send(None)
        except StopIteration as done:
            results[index] = done.value
        else:
            heapq.heappush(queue, (due + delay, next(order), index))
    return results
