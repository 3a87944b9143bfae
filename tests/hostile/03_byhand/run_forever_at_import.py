# An event loop run for ever at import.
import asyncio

asyncio.new_event_loop().run_forever()
