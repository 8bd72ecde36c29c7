"""Plan health checks: base.py (the check context and the decorator), one module per family of
checks, and registry.py, which loads every family and runs them. Import from registry.py.
"""
