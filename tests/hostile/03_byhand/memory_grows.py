def run_by_hand(coro, sleep=time.sleep):
    # Memory that grows without end, 64 MB at a time.
    kept = []
    while True:
        kept.append(bytes(64 * 1024**2))
