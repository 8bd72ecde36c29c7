"""Output formats: one module per family, chosen through registry.py.

Nothing is imported here: `sendplan --help` imports registry.py alone, for the format names.
"""
