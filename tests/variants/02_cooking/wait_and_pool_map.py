# Right: ensure_future and asyncio.wait; ThreadPoolExecutor.map.
async def make_salmon_dinner(kitchen):
    tasks = [asyncio.ensure_future(c) for c in (cook_salmon(kitchen), cook_rice(kitchen), cook_beans(kitchen))]
    await asyncio.wait(tasks)
    return tuple(t.result() for t in tasks)

import concurrent.futures
def make_salmon_dinner_with_threads(kitchen):
    with concurrent.futures.ThreadPoolExecutor() as pool:
        results = list(pool.map(lambda r: r(kitchen), [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]))
    return tuple(results)
