"""The engine: grades one exercise of one submission, and nothing else.

The parent process (`parent`) starts a child (`child`) per run of checks, with limits and
wall-clock kills, and decides every verdict from what the child reported on its private pipe;
the child loads the student's modules under the guard (`guard`, `loopback`) and runs the suite's
checks. `report` turns results into the text report and the JSON results file of the contract.

Who may import it: the command line, the learner's commands and the teachers' exports. The engine
itself imports the kit (a child runs checks with it) and the manifest, never a suite by name, the
learner's commands or the exports.
"""
