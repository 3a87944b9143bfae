"""The contract's models of the exercises: scenarios and judges, run in the parent."""
