"""`python -m evidence.cli` runs the command line (the same as the `evidence` script)."""

import sys

from . import main

sys.exit(main())
