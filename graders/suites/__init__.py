"""One module per exercise, named by its slug, each with a `SUITE` of checks in order."""
