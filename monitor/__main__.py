"""``python -m monitor`` is the same as the ``jamwatch`` command."""

import sys

from monitor.cli import main

sys.exit(main())
