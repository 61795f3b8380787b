"""``python -m aomi18n`` and the ``aomi18n`` command: the command line.

The command line is imported here, inside a guard: Ctrl-C while its modules load (the
first few tenths of a second) ends the run like Ctrl-C at any other time, with a
message and exit status 130, not a traceback.
"""

import sys


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("aomi18n: interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
