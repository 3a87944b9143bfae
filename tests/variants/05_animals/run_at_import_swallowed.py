try:
    asyncio.run(main())  # Wrong: runs the program at import (fails quietly with no farm running)
except Exception:
    pass
