"""The plan file and everything read from it: the model, its dates, loading, checks, edits.

Nothing in this package imports click, prints, or reads the clock (the day arrives as `as_of`).
Nothing is imported here, so importing one module of the package never loads the others.
"""
