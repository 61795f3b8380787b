"""The gate cannot be switched off by a typo; outputs never land in the corpus or over
someone's file; a killed run leaves nothing behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from aomi18n.errors import Aomi18nError
from aomi18n.writer import uninterrupted, write_bytes, write_output


@pytest.mark.parametrize("spec", ["eror", "bogus", ",", "errors", "drift,bogus", "never,error", " "])
def test_a_fail_on_that_names_nothing_valid_is_an_error_not_an_open_gate(run, project, spec):
    r = run(["--no-cache", "check", str(project), "--fail-on", spec])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "--fail-on" in r.output


def test_a_typo_gets_a_did_you_mean(run, project):
    r = run(["--no-cache", "check", str(project), "--fail-on", "eror"])
    assert "did you mean 'error'?" in r.output


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "101"])
def test_min_coverage_must_be_a_percentage(run, project, value):
    r = run(["--no-cache", "check", str(project), "--min-coverage", value])
    assert r.exit_code == 2


def test_the_gate_says_why_it_failed(run, project):
    r = run(["--no-cache", "check", str(project), "--fail-on", "never", "--min-coverage", "80"])
    assert r.exit_code == 1 and "failing: coverage 15.4% is under the minimum of 80%" in r.stderr
    r = run(["--no-cache", "check", str(project), "--fail-on", "glossary"])
    assert r.exit_code == 1 and "failing: 3 findings of the kinds glossary" in r.stderr
    r = run(["--no-cache", "check", str(project), "--fail-on", "stale"])
    assert r.exit_code == 0 and "failing" not in r.stderr


def test_a_missing_glossary_is_said(run, project):
    (project / "glossary.yaml").unlink()
    r = run(["--no-cache", "check", str(project), "--fail-on", "never"])
    assert r.exit_code == 0 and "no glossary (glossary.yaml not found)" in r.stderr


def test_outputs_never_go_into_the_corpus(run, project):
    for target in ("corpus/en/working-group-migrant-children-action-plan.txt", "corpus/en/report.md",
                   "corpus/fr/findings.json"):
        before = (project / target).read_bytes() if (project / target).exists() else None
        r = run(["check", str(project), "--format", "json", "-o", str(project / target)])
        assert r.exit_code == 2 and "outputs never go into the corpus" in r.stderr
        after = (project / target).read_bytes() if (project / target).exists() else None
        assert after == before
    r = run(["report", str(project), "--format", "md", "-o", str(project / "corpus/en/report.md")])
    assert r.exit_code == 2 and not (project / "corpus/en/report.md").exists()


def test_an_output_replaces_only_what_aomi18n_wrote_unless_forced(run, project, tmp_path):
    mine = tmp_path / "notes.json"
    mine.write_text("my own notes\n")
    r = run(["check", str(project), "--format", "json", "-o", str(mine)])
    assert r.exit_code == 2 and "use --force" in r.stderr and mine.read_text() == "my own notes\n"
    out = tmp_path / "findings.json"
    assert run(["check", str(project), "--format", "json", "-o", str(out)]).exit_code == 1
    assert run(["check", str(project), "--format", "json", "-o", str(out)]).exit_code == 1  # its own: fine
    out.write_text(out.read_text() + " ")  # edited by hand since
    assert run(["check", str(project), "--format", "json", "-o", str(out)]).exit_code == 2
    assert run(["check", str(project), "--format", "json", "-o", str(mine), "--force"]).exit_code == 1
    assert mine.read_text().startswith("{")


def test_write_output_refuses_protected_folders_directly(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "en").mkdir(parents=True)
    with pytest.raises(Aomi18nError, match="inside the corpus"):
        write_output(corpus / "en" / "x.html", "x", record=None, protected=(corpus / "en",))


def test_leftover_temporary_files_of_a_killed_run_are_removed_by_the_next_write(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("old\n")
    stale = tmp_path / ".doc.md.k2j3h4g5.tmp"
    stale.write_text("half written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    live = tmp_path / ".doc.md.live0001.tmp"  # a writer's file of this very second is spared
    live.write_text("being written")
    other = tmp_path / ".other.md.abcdefgh.tmp"
    other.write_text("x")
    os.utime(other, (old, old))
    assert write_bytes(doc, b"new\n")
    assert not stale.exists() and live.exists() and other.exists() and doc.read_bytes() == b"new\n"


def test_a_batch_replaces_its_files_together_or_not_at_all(tmp_path, monkeypatch):
    from aomi18n import writer

    a, b = tmp_path / "a.po", tmp_path / "sub" / "b.po"
    a.write_bytes(b"old a\n")
    syncs = []
    monkeypatch.setattr(writer, "_flush_all", lambda paths: syncs.append(len(paths)))
    # An error half-way: nothing is replaced and no temporary file is left.
    with pytest.raises(RuntimeError):
        with writer.Batch() as batch:
            assert batch.write(a, b"new a\n")
            assert a.read_bytes() == b"old a\n"  # staged, not yet in place
            raise RuntimeError("stop")
    assert a.read_bytes() == b"old a\n" and not list(tmp_path.rglob("*.tmp")) and syncs == []
    # A batch that ends: every file in place, one flush to disk for all of them.
    with writer.Batch() as batch:
        assert batch.write(a, b"new a\n") and batch.write(b, b"b\n") and batch.write(tmp_path / "c", b"")
    assert a.read_bytes() == b"new a\n" and b.read_bytes() == b"b\n" and (tmp_path / "c").read_bytes() == b""
    assert syncs == [3]
    assert not list(tmp_path.rglob("*.tmp"))
    with writer.Batch() as batch:
        assert not batch.write(a, b"new a\n")  # unchanged: nothing staged
    assert syncs == [3]


def test_a_batch_written_by_threads_fails_as_one(tmp_path, monkeypatch):
    # Past its first file a batch's temporary files are written by threads: an error in
    # one of them (a full disk) still replaces nothing, leaves no temporary file, and
    # names the file.
    import errno

    from aomi18n import writer
    from aomi18n.errors import Aomi18nError

    files = [tmp_path / f"d{k % 3}" / f"f{k}.po" for k in range(40)]
    files[0].parent.mkdir()
    files[0].write_bytes(b"old\n")
    real_open = os.open

    def full_disk(path, *args, **kwargs):
        if os.path.basename(path).startswith(".f17.po."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(writer.os, "open", full_disk)
    with pytest.raises(Aomi18nError, match="f17.po") as err:
        with writer.Batch() as batch:
            for f in files:
                assert batch.write(f, b"new\n")
    assert "No space left" in str(err.value)
    assert files[0].read_bytes() == b"old\n" and not any(f.exists() for f in files[1:])
    assert not list(tmp_path.rglob("*.tmp"))
    monkeypatch.setattr(writer.os, "open", real_open)
    with writer.Batch() as batch:
        assert all(batch.write(f, f"{f.name}\n".encode()) for f in files)
    assert all(f.read_bytes() == f"{f.name}\n".encode() for f in files) and not list(tmp_path.rglob("*.tmp"))


def test_sigterm_is_held_back_while_a_temporary_file_exists():
    got = []
    previous = signal.signal(signal.SIGTERM, lambda s, f: got.append(s))
    try:
        with uninterrupted():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            assert got == []  # not delivered inside the block
        assert got == [signal.SIGTERM]  # delivered right after it
    finally:
        signal.signal(signal.SIGTERM, previous)


def _aomi18n(*args, **kw):
    import subprocess
    import sys

    env = dict(os.environ, AOMI18N_NO_CACHE="1")
    return subprocess.Popen([sys.executable, "-m", "aomi18n", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, **kw)


EN_DOC = "corpus/en/working-group-migrant-children-action-plan.txt"


def test_import_and_glossary_apply_at_the_same_time_lose_nothing(run, project):
    import polib

    assert run(["--no-cache", "po", "export", str(project)]).exit_code == 0
    po_file = next((project / "po/en").glob("groupe-*.po"))
    po = polib.pofile(str(po_file))
    target = next(e for e in po if e.msgstr and "HCR" not in e.msgstr and "OIM" not in e.msgstr and len(e.msgstr) > 40)
    target.msgstr = target.msgstr + " (revised by the translator)"
    po.save()
    for _ in range(3):
        a = _aomi18n("po", "import", str(project))
        b = _aomi18n("glossary", "apply", str(project))
        a.communicate(timeout=120)
        b.communicate(timeout=120)
        assert a.returncode in (0, 1) and b.returncode in (0, 1)
    text = (project / EN_DOC).read_text(encoding="utf-8")
    assert "(revised by the translator)" in text  # the import is there
    assert " HCR " not in text and "UNHCR" in text  # and so are the glossary fixes


def test_a_second_writer_waits_or_says_another_is_writing(project):
    from aomi18n.writer import project_lock

    with project_lock(project):
        with pytest.raises(Aomi18nError, match="another aomi18n is writing this project"):
            with project_lock(project, wait=0.2):
                pass
    with project_lock(project, wait=0.2):  # free again
        pass


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_import_leaves_every_document_old_or_new_and_no_temporary_file(run, project, sig):
    import random
    import subprocess

    import polib

    assert run(["--no-cache", "po", "export", str(project)]).exit_code == 0
    po_file = next((project / "po/en").glob("groupe-*.po"))
    po = polib.pofile(str(po_file))
    for e in po:
        if e.msgstr:
            e.msgstr = e.msgstr + " (v2)"
    po.save()
    old = (project / EN_DOC).read_bytes()
    rnd = random.Random(sig)
    for _ in range(10):
        p = _aomi18n("po", "import", str(project))
        time.sleep(rnd.uniform(0.2, 2.5))
        p.send_signal(sig)
        p.communicate(timeout=60)
        data = (project / EN_DOC).read_bytes()
        assert data == old or b"(v2)" in data  # old or new, never half
    # The next run removes what a kill left, whatever it writes itself.
    (project / "corpus/en/.left.abcd1234.tmp").write_text("half")
    (project / "po/en/.x.po.efgh5678.tmp").write_text("half")
    subprocess.run([os.sys.executable, "-m", "aomi18n", "po", "import", str(project)], capture_output=True, timeout=120,
                   env=dict(os.environ, AOMI18N_NO_CACHE="1"))
    assert not list(project.rglob(".*.tmp"))
    assert b"(v2)" in (project / EN_DOC).read_bytes()


def test_an_unwritable_sync_record_stops_the_import_before_any_write(run, project, monkeypatch):
    import tempfile

    import polib

    from aomi18n import writer

    assert run(["--no-cache", "po", "export", str(project)]).exit_code == 0
    po_file = next((project / "po/en").glob("groupe-*.po"))
    po = polib.pofile(str(po_file))
    next(e for e in po if e.msgstr and len(e.msgstr) > 40).msgstr += " (revised)"
    po.save()
    real = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):  # po/.sync/en refuses new files (as root, chmod would not)
        if dir is not None and Path(dir).as_posix().endswith("po/.sync/en"):
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(writer.tempfile, "mkstemp", mkstemp)
    before = (project / EN_DOC).read_bytes()
    r = run(["--no-cache", "po", "import", str(project)])
    assert r.exit_code == 2 and "nothing was written" in r.stderr and "po/.sync/en" in r.stderr
    assert (project / EN_DOC).read_bytes() == before


def test_a_corpus_folder_linked_out_of_the_project_is_refused(run, project, tmp_path):
    import shutil

    outside = tmp_path / "elsewhere"
    shutil.move(str(project / "corpus/en"), str(outside))
    os.symlink(outside, project / "corpus/en")
    r = run(["--no-cache", "po", "import", str(project)])
    assert r.exit_code == 2 and "outside the project" in r.stderr
    r = run(["--no-cache", "check", str(project)])
    assert r.exit_code == 2 and "outside the project" in r.stderr
