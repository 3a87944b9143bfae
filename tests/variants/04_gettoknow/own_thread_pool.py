import concurrent.futures


async def list_squares_with_executor(n):
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        waits = [
            loop.run_in_executor(pool, blocking_square, x) if x == 7 else square(x)
            for x in range(n)
        ]
        return await asyncio.gather(*waits)
