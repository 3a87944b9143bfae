# Many files of 1 MB each, each under the limit on one file's size, until the disk is full.
for index in range(200):
    with open(f"filler-{index}", "wb") as filler:
        filler.write(b"x" * 1024**2)
