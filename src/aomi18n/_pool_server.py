"""Imported by the analysis's fork server only (it is in the server's preload list).

The server forks each worker of the pool, and the worker then reads its process object,
which names the pool's semaphore. A Ctrl-C while the pool is starting stops the pool and
removes that semaphore; a worker the server was still starting then fails to open it, and
CPython's server prints that ``FileNotFoundError`` with its traceback, although nothing is
lost (the command is stopping, and says so once). Such a worker now ends quietly; every
other error in the server is printed as before.
"""

from __future__ import annotations

import sys

_previous = sys.excepthook


def _pool_gone(kind, exc, tb) -> bool:
    """A semaphore that no longer exists, met while a worker reads its process object."""
    if not (isinstance(kind, type) and issubclass(kind, FileNotFoundError)) or tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return code.co_name == "__setstate__" and code.co_filename.replace("\\", "/").endswith("multiprocessing/synchronize.py")


def _excepthook(kind, exc, tb) -> None:
    if not _pool_gone(kind, exc, tb):
        _previous(kind, exc, tb)


sys.excepthook = _excepthook
