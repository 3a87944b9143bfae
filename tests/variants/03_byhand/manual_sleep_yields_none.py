@types.coroutine
def manual_sleep(n):
    # Wrong: yields nothing the driver can use as a delay.
    yield
