"""``python -m benchmarks``: see benchmarks/run.py and docs/performance.md."""

import sys

from benchmarks.run import main

sys.exit(main())
