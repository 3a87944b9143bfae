"""The awaitlings autograder.

`python -m graders check 03` grades one exercise; see README.md for the calls. Student code never
runs in the process that decides the verdict: `sandbox` starts a child process (`child`) that loads
the submission, runs the exercise's checks (`suites/`) and reports each result on a private pipe.
"""
