"""`python -m sendplan`."""

from sendplan.cli import main

main()
