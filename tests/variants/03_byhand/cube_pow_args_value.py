# Right: cube awaits square for its lines and its sleep, then computes x ** 3 itself; run_by_hand
# reads the result from StopIteration's args.
async def cube(x):
    print(f"Starting cube with argument {x}!")
    await manual_sleep(3)
    await square(x)
    print(f"Finishing cube with argument {x}!")
    return x ** 3

def run_by_hand(coro, sleep=time.sleep):
    try:
        while True:
            sleep(coro.send(None))
    except StopIteration as e:
        return e.args[0] if e.args else None
