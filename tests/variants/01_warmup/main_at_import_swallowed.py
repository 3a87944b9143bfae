try:
    main()  # Wrong: runs the program at import (it fails quietly here when no farm is running)
except Exception:
    pass
