"""Entry point for ``python -m pruning``."""

import sys

from .cli import main

sys.exit(main())
