# Wrong: blocking_square(x) called in the run_in_executor call: it runs on the loop, and the
# executor gets a number to call.
async def list_squares_with_executor(n):
    loop = asyncio.get_running_loop()
    waits = [
        loop.run_in_executor(None, blocking_square(x)) if x == 7 else square(x)
        for x in range(n)
    ]
    return await asyncio.gather(*waits)
