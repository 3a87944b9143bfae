import sys

# An audit hook of the submission's own sees every event the guard sees, and could raise in
# the grader's code paths.
sys.addaudithook(lambda event, args: None)
