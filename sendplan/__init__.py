"""sendplan: run a public-sector action plan kept as a YAML file.

Nothing is imported here on purpose: `sendplan --help` must stay fast.
"""

__version__ = "0.1.0"
