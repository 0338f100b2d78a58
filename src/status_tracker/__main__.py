"""``python -m status_tracker``: the same as the ``status-tracker`` command."""

import sys

from status_tracker.cli import main

sys.exit(main())
