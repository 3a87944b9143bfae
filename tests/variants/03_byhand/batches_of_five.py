# Wrong: the coroutines scheduled five at a time, each batch to its end before the next: right
# for the tutorial's two cubes, slow for six coroutines or more.
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = []
    for first in range(0, len(coros), 5):
        batch = coros[first:first + 5]
        done = [None] * len(batch)
        wake_at = {index: clock() for index in range(len(batch))}
        while wake_at:
            index = min(wake_at, key=wake_at.get)
            if wake_at[index] > clock():
                sleep(wake_at[index] - clock())
            try:
                wake_at[index] = clock() + batch[index].send(None)
            except StopIteration as finished:
                done[index] = finished.value
                del wake_at[index]
        results += done
    return results
