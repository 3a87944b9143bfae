"""The teachers' exports: the nbgrader course and its notebooks' side, Gradescope, GitHub
Classroom, batch grading of a class (`grade-all`), submission layouts, and `make bench`.

Who may import it: the command line and the pack's tests. It uses the engine and the manifest;
nothing in the engine, the kit or the suites imports it.
"""
