"""Office files in and out of a plan: importing trackers (importer.py, with the readers in tables.py)."""
