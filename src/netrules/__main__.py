"""``python -m netrules`` is the ``netrules`` command."""

import sys

from .cli import main

sys.exit(main())
