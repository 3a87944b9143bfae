def run_by_hand(coro, sleep=time.sleep):
    # About 300 MB printed, in long lines.
    line = "spam " * 20_000
    for _ in range(3_000):
        print(line)
    raise RuntimeError("after the flood")
