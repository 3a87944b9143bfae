# The child's own protocol, written on its results pipe (the fd is on the command line), with
# every token the submission can find: none in the environment, the command line or stdin.
import json
import os
import sys
from pathlib import Path

fd = int(sys.argv[sys.argv.index("--results-fd") + 1])
found = [value for key, value in os.environ.items() if "TOKEN" in key.upper()]
for source in ("/proc/self/environ", "/proc/self/cmdline"):
    try:
        found += Path(source).read_bytes().decode(errors="replace").split("\0")
    except OSError:
        pass
found += [sys.stdin.read(), ""]
for token in found:
    for index in range(20):
        for event in ({"token": token, "event": "start", "index": index},
                      {"token": token, "event": "result", "index": index, "passed": True}):
            os.write(fd, (json.dumps(event) + "\n").encode())
    os.write(fd, (json.dumps({"token": token, "event": "finished"}) + "\n").encode())
