"""``python -m netrules`` is the ``netrules`` command."""

from .cli import run

run()
