"""Work spread over forked processes (the PO export's rendering)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading

import pytest

from aomi18n.parallel import can_fork, forked_map

_PROBE = """
import os
from aomi18n.parallel import can_fork, forked_map
parent = os.getpid()
forks = can_fork()
base = 10  # a local the workers see without pickling it
out = list(forked_map(lambda i: (i * i + base, os.getpid()), range(40), 2))
assert [v for v, _ in out] == [i * i + 10 for i in range(40)], out
print(forks, all(pid != parent for _, pid in out))
def boom(i):
    if i == 7:
        raise ValueError("item seven")
    return i
try:
    list(forked_map(boom, range(20), 2))
except ValueError as exc:
    print("raised", exc)
"""


def test_forked_map_runs_in_other_processes_in_order_and_raises_their_errors():
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    if sys.platform.startswith("linux"):
        assert lines[0] == "True True"  # every item in a worker, none here
    else:
        assert lines[0] == "False False"  # no fork: everything ran here
    assert lines[1] == "raised item seven"


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


def test_forked_map_stays_here_while_another_thread_runs():
    # A lock held by another thread would stay held in a forked child: no fork then.
    with _another_thread():
        assert not can_fork()
        assert list(forked_map(lambda i: (i, os.getpid()), range(5), 2)) == [(i, os.getpid()) for i in range(5)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_forked_map_is_map(jobs):
    assert list(forked_map(str.upper, ["a", "b", "c"], jobs)) == ["A", "B", "C"]
    assert list(forked_map(str.upper, [], jobs)) == []


def test_the_early_flush_runs_in_a_forked_process_only_when_forking_is_safe():
    from aomi18n.writer import flush_early

    with _another_thread():
        assert flush_early() is None  # another thread: no fork
    flusher = flush_early()
    if sys.platform.startswith("linux") and can_fork():
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
