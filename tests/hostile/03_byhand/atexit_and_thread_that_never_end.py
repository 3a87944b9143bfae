# An atexit hook and a non-daemon thread that never end, with sys.exit at import: the grader must
# neither wait for them nor run them.
import atexit
import sys
import threading
import time as _time

atexit.register(lambda: _time.sleep(3600))
threading.Thread(target=lambda: _time.sleep(3600)).start()
sys.exit(0)
