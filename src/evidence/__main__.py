"""`python -m evidence` runs the command line (the same as the `evidence` script)."""

import sys

from .cli import main

sys.exit(main())
