import os


def run_by_hand(coro, sleep=time.sleep):
    # Every process forks again: 2 ** 6 = 64 processes at most, even without the defences.
    for _ in range(6):
        os.fork()
    return "done"
