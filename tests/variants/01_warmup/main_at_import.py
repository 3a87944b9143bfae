main()  # Wrong: runs the program (and asks a farm on port 8080) when the module is imported
