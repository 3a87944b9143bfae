# Wrong: manual_sleep sleeps for real before yielding.
@types.coroutine
def manual_sleep(n):
    time.sleep(n)
    yield n
