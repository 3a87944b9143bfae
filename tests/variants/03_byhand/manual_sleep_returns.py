# Wrong: returns the delay instead of yielding it, so manual_sleep is no generator and cannot
# be awaited.
@types.coroutine
def manual_sleep(n):
    return n
