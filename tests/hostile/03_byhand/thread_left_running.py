# A correct solution that leaves a non-daemon thread and an atexit hook that never end: graded on
# its merits, without waiting for either.
import atexit
import threading
import time as _time

atexit.register(lambda: _time.sleep(3600))
threading.Thread(target=lambda: _time.sleep(3600), name="never-ends").start()
