import os


def run_by_hand(coro, sleep=time.sleep):
    # Forks, and when refused, tries again for ever (each fork sleeps and leaves).
    while True:
        try:
            if os.fork() == 0:
                os._exit(0)
        except PermissionError:
            pass
