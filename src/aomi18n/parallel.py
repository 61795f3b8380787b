"""Work spread over forked processes, for outputs (PO export) whose per-document work
reads what this process already holds.

A forked worker starts with this process's memory: the analysis, the lazily loaded pairs,
the configuration, without pickling any of it; only each item and its result cross
over. Forking is only safe in a process with one thread (a lock held by another thread
stays held in the child forever), and only where fork is the platform's own way
(Linux); elsewhere, or with one job, the work runs here, in the same order, with the
same results.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: The function the forked workers run (set in this process before forking: a child
#: inherits it, so it need not be picklable).
_TASK: Callable | None = None


def threads() -> int | None:
    """The threads of this process, every kind (Python's and native ones: a Rust or
    OpenMP pool); None where the system does not say."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def can_fork(wait: float = 0.05) -> bool:
    """Whether this process may fork: Linux, and one thread. A thread that was just joined
    (a process pool's, after its shutdown) may still be leaving the system's list for a
    few milliseconds: it is waited for up to ``wait`` seconds; a pool that stays (BLAS,
    a language detector's) is not."""
    import multiprocessing as mp

    if not sys.platform.startswith("linux") or "fork" not in mp.get_all_start_methods():
        return False
    deadline = time.monotonic() + wait
    while True:
        n = threads()
        if n == 1:
            return True
        if n is None or time.monotonic() >= deadline:
            return False
        time.sleep(0.002)


def hold_interrupt():
    """Hold SIGINT back in this thread (blocked: a Ctrl-C stays pending) while processes are
    forked or started: they begin with it blocked and ignore it before taking it (see
    :func:`ignore_interrupt`), so a terminal's Ctrl-C, which reaches the whole process
    group, never hits one that is not ready for it. Returns what :func:`release_interrupt`
    restores (None outside the main thread, where nothing changes)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def release_interrupt(mask) -> None:
    """Undo :func:`hold_interrupt`: a Ctrl-C that came meanwhile is raised now."""
    if mask is not None:
        import signal

        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def ignore_interrupt() -> None:
    """In a worker process: Ctrl-C is the parent's to handle (it stops the pool and reports once)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def start_fork_server(ctx) -> None:
    """Start ``ctx``'s fork server now (if it has one), deaf to Ctrl-C from its first
    instruction: a server still importing its modules would die of it with a traceback.
    It is started with SIGINT ignored (an ignored signal stays ignored across ``exec``)
    and held back here meanwhile (:func:`hold_interrupt`)."""
    import signal
    import threading

    if ctx.get_start_method() != "forkserver" or threading.current_thread() is not threading.main_thread():
        return
    from multiprocessing import forkserver

    mask = hold_interrupt()
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, handler)
        release_interrupt(mask)


def _run(item):
    return _TASK(item)


def forked_map(func: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """``map(func, items)``, over ``jobs`` forked processes when there are several items
    and forking is safe (see :func:`can_fork`), here otherwise. Results come in order; an
    exception in a worker is raised here."""
    global _TASK
    items = list(items)
    if jobs <= 1 or len(items) < 2 or _TASK is not None or not can_fork():  # (not in a worker itself)
        yield from map(func, items)
        return
    import concurrent.futures as cf
    import multiprocessing as mp

    jobs = min(jobs, len(items))
    _TASK = func
    # Every object so far out of the collector's sight: a child's collection would otherwise
    # write to each one (its collector's header), copying the parent's pages one by one.
    gc.freeze()
    held = hold_interrupt()
    pool = None
    try:
        pool = cf.ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork"), initializer=ignore_interrupt)
        # Every worker is forked by the first submission. Small chunks: the workers end
        # within a few items of each other.
        results = pool.map(_run, items, chunksize=max(1, min(8, len(items) // (jobs * 8))))
        mask, held = held, None
        release_interrupt(mask)
        yield from results
    finally:
        release_interrupt(held)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
        _TASK = None
