"""``python -m readiness.api.cli``: the same as the ``readiness`` command."""

import sys

from readiness.api.cli.main import main

sys.exit(main())
