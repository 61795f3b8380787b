"""Work spread over forked processes, for outputs (PO export) whose per-document work
reads what this process already holds.

A forked worker starts with this process's memory: the analysis, the lazily loaded pairs,
the configuration, without pickling any of it; and it keeps what it made between two
rounds of work (see :class:`TwoRounds`), so only what the caller asks for crosses over.
Forking is only safe in a process with one thread (a lock held by another thread stays
held in the child forever), and only where fork is the platform's own way (Linux);
elsewhere, or with one job, the work runs here, in the same order, with the same
results.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


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


class TwoRounds:
    """Work on ``items`` in two rounds, over ``jobs`` forked worker processes that keep
    what the first round left in their memory.

    :meth:`first` hands each item to whichever worker is free and runs ``first(item)``
    there; :meth:`then` runs ``then(item, arg)`` in the worker that took the item in the
    first round. So what the first round made for an item stays where it was made: only
    the results the caller asks for (and ``arg``) cross between processes, and each
    result comes back in the items' order. An exception in a worker is raised here;
    leaving the ``with`` block stops the workers (terminated, if it is left by an exception,
    Ctrl-C included, and waited for either way).

    With one job, one item, another thread running (see :func:`can_fork`), or inside a
    worker, both rounds run here, in the items' order, with the same results."""

    def __init__(self, first: Callable[[T], R], then: Callable[[T, object], S], items: Iterable[T], jobs: int):
        self._first, self._then = first, then
        self.items = list(items)
        self._workers: list[_Worker] = []
        jobs = min(jobs, len(self.items))
        if jobs > 1 and not _IN_WORKER and can_fork():
            self._start(jobs)

    @property
    def forked(self) -> bool:
        return bool(self._workers)

    def _start(self, jobs: int) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        # Every object so far out of the collector's sight: a child's collection would otherwise
        # write to each one (its collector's header), copying the parent's pages one by one.
        gc.freeze()
        held = hold_interrupt()
        try:
            for _ in range(jobs):
                here, there = ctx.Pipe()
                process = ctx.Process(target=_serve, args=(there, self._first, self._then, self.items), daemon=True)
                process.start()
                there.close()
                self._workers.append(_Worker(process, here))
        except BaseException:
            self.close(ok=False)
            raise
        finally:
            release_interrupt(held)
            gc.unfreeze()

    def first(self) -> list[R]:
        """``[first(item) for item in items]``, each item in whichever worker is free."""
        if not self._workers:
            return [self._first(item) for item in self.items]
        todo = iter(range(len(self.items)))

        def give(w: _Worker) -> None:
            k = next(todo, None)
            if k is None:
                return
            try:
                w.conn.send(("first", k))
            except OSError:  # it ended (after an error, which its pipe still holds for us)
                return
            w.taken.append(k)
            w.waiting.append(k)

        for w in self._workers:  # two each: a worker never waits for its next item
            give(w)
            give(w)
        return self._collect(give)

    def then(self, arg: object) -> list[S]:
        """``[then(item, arg) for item in items]``, each item in the worker that took it in
        :meth:`first` (``arg`` is sent to each worker once)."""
        if not self._workers:
            return [self._then(item, arg) for item in self.items]
        for w in self._workers:
            w.waiting = list(w.taken)
            try:
                w.conn.send(("then", arg))
            except OSError:  # it ended: receiving says how
                pass
        return self._collect()

    def _collect(self, received: Callable[[_Worker], None] | None = None) -> list:
        """Every result the workers owe, in the items' order (``received(worker)`` after each)."""
        from multiprocessing.connection import wait

        results: list = [None] * len(self.items)
        by_conn = {w.conn: w for w in self._workers}
        while any(w.waiting for w in self._workers):
            for conn in wait([w.conn for w in self._workers if w.waiting]):
                w = by_conn[conn]
                results[w.waiting.pop(0)] = w.receive()
                if received is not None:
                    received(w)
        return results

    def close(self, ok: bool = True) -> None:
        """Stop the workers: asked to (``ok``), else terminated (SIGTERM); then waited for."""
        for w in self._workers:
            if ok:
                try:
                    w.conn.send(("stop", None))
                except OSError:
                    w.process.terminate()
            else:
                w.process.terminate()
        for w in self._workers:
            w.process.join()
            w.conn.close()
        self._workers = []

    def __enter__(self) -> "TwoRounds":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.close(ok=kind is None)


@dataclass
class _Worker:
    process: object
    conn: object
    taken: list[int] = field(default_factory=list)  # the items it took in the first round, in order
    waiting: list[int] = field(default_factory=list)  # the items whose results are still to come

    def receive(self):
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join()
            raise WorkerLost(f"a worker process ended without finishing its work (exit code {self.process.exitcode})") from None
        if not ok:
            raise value
        return value


class WorkerLost(RuntimeError):
    """A worker process ended before giving back its results (killed, out of memory)."""


#: True in a worker process (which never forks workers of its own).
_IN_WORKER = False


def _serve(conn, first: Callable, then: Callable, items: list) -> None:
    """A worker's loop: the parent's requests, in order, each answered (ok, value)."""
    import signal

    global _IN_WORKER
    _IN_WORKER = True
    # SIGTERM ends it when the parent stops the work: at once (a file in progress is under a
    # name the parent's batch removes), or once a cache entry is in place (see
    # ``uninterrupted``). Ctrl-C is the parent's to handle.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ignore_interrupt()
    taken: list[int] = []
    try:
        while True:
            op, arg = conn.recv()
            if op == "first":
                taken.append(arg)
                if not _answer(conn, first, items[arg]):
                    return
            elif op == "then":
                for k in taken:
                    if not _answer(conn, then, items[k], arg):
                        return
            else:
                return
    except (EOFError, OSError):  # the parent is gone
        return
    finally:
        conn.close()


def _answer(conn, fn: Callable, *args) -> bool:
    """Send ``fn(*args)`` or its exception; False after an exception."""
    try:
        value = fn(*args)
    except BaseException as exc:  # noqa: BLE001 - every error goes back to be raised there
        try:
            conn.send((False, exc))
        except Exception:  # an exception that cannot be pickled: its text
            conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        return False
    conn.send((True, value))
    return True
