# Prints what passing tests and a passing grader look like.
print("============================= 9 passed in 0.02s ==============================")
print("03 byhand: Coroutines run by hand  —  10/10 points")
print("  All checks of 03 byhand pass. On to the next exercise!")
