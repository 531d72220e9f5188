"""`python -m repetend.host` runs the CLI (what the `repetend` script does)."""

import sys

from repetend.host.cli import main

sys.exit(main())
