"""``python -m skvec``: the command line (see :mod:`skvec.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
