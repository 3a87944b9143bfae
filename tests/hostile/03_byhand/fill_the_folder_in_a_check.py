def run_by_hand(coro, sleep=time.sleep):
    # Files of 1 MB without end, each under the limit on one file's size: where no sandbox's
    # tmpfs bounds the working folder, they would fill the disk.
    index = 0
    while True:
        with open(f"filler-{index}", "wb") as filler:
            filler.write(b"x" * 1024**2)
        index += 1
