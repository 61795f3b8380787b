"""Ctrl-C in the middle of a writing command leaves every file old or new, never half-written.

Each command runs in a subprocess on a generated corpus and receives SIGINT after a
range of delays; afterwards every file must equal either its state before the run or
its state after an uninterrupted run, and no temporary file may be left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, snapshot

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery is POSIX")
# SOURCE_DATE_EPOCH: PO headers carry a date; runs a minute apart must write the same bytes.
ENV = {**os.environ, "AOMI18N_NO_CACHE": "1", "CI": "1", "SOURCE_DATE_EPOCH": "1700000000"}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "aomi18n", "--jobs", "1", *args]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "gen"
    subprocess.run([sys.executable, str(ROOT / "bench/gen_corpus.py"), "20", str(root)], check=True, capture_output=True)
    return root


def _po_translated(root: Path) -> None:
    """Export, then change every msgstr so that an import rewrites every English document."""
    import polib

    subprocess.run(_cli("po", "export", str(root)), check=True, capture_output=True, env=ENV)
    for path in (root / "po/en").rglob("*.po"):
        po = polib.pofile(str(path))
        for e in po:
            if e.msgstr and not e.fuzzy:
                e.msgstr = e.msgstr.replace("The ", "THE ")
        po.save(str(path))


CASES = {
    "po export": (lambda root: None, ("po", "export")),
    "po import": (_po_translated, ("po", "import")),
    "glossary apply": (lambda root: None, ("glossary", "apply")),
}


def test_ctrl_c_inside_a_file_replacement_waits_for_its_end():
    from aomi18n.writer import uninterrupted

    steps = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            signal.raise_signal(signal.SIGINT)
            steps.append("after the signal")  # not cut short
    assert steps == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("name", list(CASES))
def test_sigint_leaves_every_file_old_or_new(corpus, tmp_path, name):
    prepare, args = CASES[name]
    # Same folder name everywhere: it is the PO header's Project-Id-Version.
    base = tmp_path / "base" / "project"
    shutil.copytree(corpus, base)
    prepare(base)
    before = snapshot(base)
    done = tmp_path / "done" / "project"
    shutil.copytree(base, done)
    t0 = time.monotonic()
    subprocess.run(_cli(*args, str(done)), check=True, capture_output=True, env=ENV, timeout=600)
    full = time.monotonic() - t0
    after = snapshot(done)
    assert after != before, "the command must write something for the test to mean anything"
    interrupted = 0
    for k, frac in enumerate((0.4, 0.6, 0.85)):
        work = tmp_path / f"run{k}" / "project"
        shutil.copytree(base, work)
        proc = subprocess.Popen(_cli(*args, str(work)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        time.sleep(full * frac)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=600)
        assert b"Traceback" not in err, err.decode()[-2000:]
        if proc.returncode == 130:
            interrupted += 1
            assert b"interrupted" in err
        else:  # finished first; a signal during interpreter shutdown ends it by the signal
            assert proc.returncode in (0, -signal.SIGINT), err.decode()[-2000:]
        now = snapshot(work)
        for rel, data in now.items():
            assert data in (before.get(rel), after.get(rel)), f"{rel} is neither old nor new"
            assert not rel.rsplit("/", 1)[-1].endswith(".tmp"), f"temporary file left: {rel}"
        for rel in before:
            assert rel in now or rel not in after, f"{rel} vanished"
    assert interrupted, "no run was interrupted mid-way; the delays are too long for this machine"


def test_ctrl_c_while_the_command_line_loads_is_no_traceback():
    # Ctrl-C in the first tenths of a second, while click and aomi18n's modules load:
    # stood in for by a command-line module whose loading is interrupted.
    code = ("import sys, types\n"
            "class Loading(types.ModuleType):\n"
            "    def __getattr__(self, name):\n"
            "        raise KeyboardInterrupt\n"
            "sys.modules['aomi18n.cli'] = Loading('aomi18n.cli')\n"
            "from aomi18n.__main__ import run\n"
            "run()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=ENV, timeout=60)
    assert proc.returncode == 130 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().strip() == "aomi18n: interrupted"


def test_ctrl_c_at_a_terminal_stops_an_export_and_its_workers_quietly(corpus, tmp_path):
    # A terminal sends Ctrl-C to the whole process group: the export's forked workers and
    # its disk flusher get it too. One report, no traceback from any of them, no file
    # half-written and no temporary file left.
    # The analysis comes from the cache (a check first): the export's own processes are
    # what the signal finds.
    env = {k: v for k, v in ENV.items() if k != "AOMI18N_NO_CACHE"}
    cmd = [sys.executable, "-m", "aomi18n", "--jobs", "2", "po", "export"]
    check = [sys.executable, "-m", "aomi18n", "--jobs", "1", "check"]
    done = tmp_path / "done" / "project"
    shutil.copytree(corpus, done)
    subprocess.run([*check, str(done)], capture_output=True, env=env, timeout=600)
    t0 = time.monotonic()
    subprocess.run([*cmd, str(done)], check=True, capture_output=True, env=env, timeout=600)
    full = time.monotonic() - t0
    after = snapshot(done)
    for k, frac in enumerate((0.3, 0.6, 0.85)):
        work = tmp_path / f"run{k}" / "project"
        shutil.copytree(corpus, work)
        subprocess.run([*check, str(work)], capture_output=True, env=env, timeout=600)
        proc = subprocess.Popen([*cmd, str(work)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        time.sleep(full * frac)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=600)
        assert b"Traceback" not in err, err.decode()[-2000:]
        assert proc.returncode in (0, 130, -signal.SIGINT), err.decode()[-2000:]
        for rel, data in snapshot(work).items():
            assert not rel.rsplit("/", 1)[-1].endswith(".tmp"), f"temporary file left: {rel}"
            if rel.startswith("po/"):
                assert data == after.get(rel), f"{rel} is half-written"
