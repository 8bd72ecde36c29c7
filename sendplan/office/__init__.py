"""Office files in and out of a plan: importing trackers (importer.py, with the readers in tables.py),
and the monthly update round's return workbooks sent out and read back (returns*.py, collect.py, mail.py)."""
