# An infinite loop at the top level: the import never finishes.
while True:
    pass
