import os


def run_by_hand(coro, sleep=time.sleep):
    os.system("true")
    return "done"
