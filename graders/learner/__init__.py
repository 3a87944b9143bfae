"""The learner's commands: hints, progress, watch, reset, and the terminal they print to.

Who may import it: the command line (`python -m graders`). It uses the engine to grade and the
manifest to find exercises; nothing in the engine, the kit or the suites imports it.
"""

STATE_DIR_VARIABLE = "AWAITLINGS_STATE_DIR"
"""Where the learner's state is kept, when set (here, not in commands.py, so that a notebook's
kernel can name it without importing the grader's report)."""
