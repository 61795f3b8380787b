"""Work spread over forked processes (the PO export's rendering and writing)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading

import pytest

from aomi18n.parallel import TwoRounds, can_fork

_PROBE = """
import os, signal
from aomi18n.parallel import TwoRounds
parent = os.getpid()
kept = {}  # each process's own: what the first round left there
base = 10  # a local the workers see without pickling it

def first(i):
    kept[i] = (i * i + base, os.getpid())
    return os.getpid()

def then(i, arg):
    value, pid = kept.pop(i)  # a KeyError if the item came to another process
    return value + arg, pid, os.getpid()

with TwoRounds(first, then, range(40), 2) as rounds:
    forked = rounds.forked
    firsts = rounds.first()
    out = rounds.then(1000)
assert [v for v, _, _ in out] == [i * i + 1010 for i in range(40)], out
assert all(pid == firsts[i] == here for i, (_, pid, here) in enumerate(out)), out
print(forked, all(pid != parent for pid in firsts), len(set(firsts)), kept == {})

def boom(i, arg=None):
    if i == 7:
        raise ValueError("item seven")
    return i
for fails_in in ("first", "then"):
    try:
        with TwoRounds(boom if fails_in == "first" else abs, boom, range(20), 2) as rounds:
            rounds.first()
            rounds.then(None)
    except ValueError as exc:
        print("raised", fails_in, exc)

def dies(i):
    if i == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return i
try:
    with TwoRounds(dies, abs, range(10), 2) as rounds:
        rounds.first()
except Exception as exc:
    print(type(exc).__name__)
print(len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1,
      __import__("multiprocessing").active_children())
"""


def test_two_rounds_keep_each_item_in_the_worker_that_took_it_and_raise_their_errors():
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    if sys.platform.startswith("linux"):
        assert lines[0] == "True True 2 True"  # every item in a worker, in both rounds; both worked
    else:
        assert lines[0] == "False False 1 True"  # no fork: everything ran here
    assert lines[1:3] == ["raised first item seven", "raised then item seven"]
    if sys.platform.startswith("linux"):
        assert lines[3] == "WorkerLost"  # a worker killed mid-round: an error, not a hang
    assert lines[-1] == "1 []"  # every worker gone, no thread left


@contextlib.contextmanager
def _another_thread():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        yield
    finally:
        stop.set()
        t.join()


def test_two_rounds_stay_here_while_another_thread_runs():
    # A lock held by another thread would stay held in a forked child: no fork then.
    with _another_thread():
        assert not can_fork()
        with TwoRounds(lambda i: os.getpid(), lambda i, arg: (i, arg, os.getpid()), range(5), 2) as rounds:
            assert not rounds.forked
            assert rounds.first() == [os.getpid()] * 5
            assert rounds.then("x") == [(i, "x", os.getpid()) for i in range(5)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_two_rounds_are_two_maps(jobs):
    with TwoRounds(str.upper, lambda s, arg: s + arg, ["a", "b", "c"], jobs) as rounds:
        assert rounds.first() == ["A", "B", "C"]
        assert rounds.then("!") == ["a!", "b!", "c!"]
    with TwoRounds(str.upper, str.__add__, [], jobs) as rounds:
        assert rounds.first() == [] and rounds.then("!") == []


def test_the_early_flush_runs_in_a_forked_process_only_when_forking_is_safe():
    from aomi18n.writer import flush_early

    with _another_thread():
        assert flush_early() is None  # another thread: no fork
    forks = can_fork()  # (waits for the joined thread to leave the system's list)
    flusher = flush_early()
    if sys.platform.startswith("linux") and forks:
        assert flusher is not None
        flusher.join(60)
        assert flusher.exitcode == 0


_SERVER_PROBE = """
import multiprocessing as mp, signal
from multiprocessing import forkserver
from aomi18n.parallel import start_fork_server
ctx = mp.get_context("forkserver")
ctx.set_forkserver_preload(["aomi18n.analysis"])  # seconds of imports a Ctrl-C could hit
start_fork_server(ctx)
pid = forkserver._forkserver._forkserver_pid
ignored = next(int(line.split()[1], 16) for line in open(f"/proc/{pid}/status") if line.startswith("SigIgn"))
print(bool(ignored & (1 << (signal.SIGINT - 1))), signal.getsignal(signal.SIGINT) is signal.default_int_handler)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and the fork server: Linux")
def test_the_fork_server_starts_deaf_to_ctrl_c_and_this_process_keeps_its_handler():
    # A terminal's Ctrl-C reaches the whole group: the analysis's fork server, still
    # importing, would die of it with a traceback. It ignores SIGINT from its start.
    out = subprocess.run([sys.executable, "-c", _SERVER_PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]


_HOOK_PROBE = """
import sys
import aomi18n._pool_server as server
assert sys.excepthook is server._excepthook
code = compile("def __setstate__(self):\\n    raise FileNotFoundError(2, 'No such file or directory')\\n",
               "/usr/lib/python3/multiprocessing/synchronize.py", "exec")
space = {}
exec(code, space)
for fn in (space["__setstate__"], lambda self: open("/nonexistent/aomi18n-probe")):
    try:
        fn(None)
    except FileNotFoundError:
        sys.excepthook(*sys.exc_info())
"""


def test_the_fork_server_is_quiet_about_a_worker_whose_pool_is_gone_only():
    # Ctrl-C while the analysis's pool starts removes the pool's semaphore; a worker the
    # fork server was still starting fails to open it, and CPython printed that error.
    from aomi18n.analysis import _WORKER_MODULES

    assert "aomi18n._pool_server" in _WORKER_MODULES  # imported by the fork server only
    out = subprocess.run([sys.executable, "-c", _HOOK_PROBE], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert out.stderr.count("Traceback") == 1  # the other FileNotFoundError, as before
    assert "aomi18n-probe" in out.stderr and "synchronize.py" not in out.stderr
