"""`python -m invoicing ...` — see `invoicing.cli`."""

import sys

from invoicing.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # output piped into head & co.
    sys.exit(0)
