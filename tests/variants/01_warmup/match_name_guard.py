# Right: the program runs only when the module is run as a program, written with match.
match __name__:
    case "__main__":
        main()
