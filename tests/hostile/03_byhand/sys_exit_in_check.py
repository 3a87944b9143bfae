import sys


def run_by_hand(coro, sleep=time.sleep):
    sys.exit(0)
