import faulthandler


def run_by_hand(coro, sleep=time.sleep):
    # The interpreter crashes (as a bug in a C extension would make it).
    faulthandler._sigsegv()
