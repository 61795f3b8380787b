"""``python -m aomi18n``: the command line."""

from .cli import main

main()
