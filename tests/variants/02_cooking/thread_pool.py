from concurrent.futures import ThreadPoolExecutor


def make_salmon_dinner_with_threads(kitchen):
    # Futures carry a thread's result back: the modern way of what the queue does by hand.
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(recipe, kitchen) for recipe in
                   (cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking)]
        return tuple(future.result() for future in futures)
