import sys

for _ in range(600):
    sys.stderr.write("warning! " * 20_000 + "\n")
raise RuntimeError("after the flood")
