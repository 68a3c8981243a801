"""``python -m civic``: the same command line as ``civic``."""

from civic.cli import main

main()
