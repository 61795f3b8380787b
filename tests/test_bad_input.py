"""Malformed input never ends in a traceback: a message naming the file (and line), exit 2,
and no file changed. The cases live in tests/data/bad/<case>/ (files laid over a copy of
the bundled project, and case.json: the command and the place the message must name)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from .conftest import DATA, snapshot

CASES = sorted(p for p in (DATA / "bad").iterdir() if (p / "case.json").is_file())


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


def _expect_error(run, project, command, where):
    before = snapshot(project)
    r = run([*command, str(project)])
    assert r.exit_code == 2, (r.exit_code, r.output)
    assert "Traceback" not in r.output
    assert where in r.stderr, r.stderr
    assert snapshot(project) == before
    return r


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_a_clear_error(run, project, case):
    spec = json.loads((case / "case.json").read_text())
    files = case / "files"
    for src in files.rglob("*"):
        if src.is_file():
            dest = project / src.relative_to(files)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    _expect_error(run, project, spec["command"], spec["expect"])


def test_fifty_megabyte_file(run, project):
    with open(project / "corpus/fr/huge.txt", "wb") as fh:
        line = ("Le Médiateur a reçu des plaintes. " * 3 + "\n\n").encode()
        fh.write(line * (50 * 2**20 // len(line) + 1))
    r = _expect_error(run, project, ["check"], "corpus/fr/huge.txt")
    assert "over the limit" in r.stderr


def test_one_megabyte_line(run, project):
    (project / "corpus/en/long.md").write_text("# Title\n\n" + "word " * 210_000 + "\n")
    r = _expect_error(run, project, ["check"], "corpus/en/long.md:3")
    assert "characters" in r.stderr


def test_symlink_loop(run, project):
    os.symlink("loop-b.txt", project / "corpus/fr/loop-a.txt")
    os.symlink("loop-a.txt", project / "corpus/fr/loop-b.txt")
    _expect_error(run, project, ["check"], "corpus/fr/loop-")


def test_symlink_out_of_the_project(run, project, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Texte hors du projet, à ne pas lire.\n")
    os.symlink(outside, project / "corpus/fr/escape.txt")
    r = _expect_error(run, project, ["check"], "corpus/fr/escape.txt")
    assert "outside the project" in r.stderr


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_file(run, project):
    p = project / "corpus/fr/secret.txt"
    p.write_text("Texte.\n")
    p.chmod(0)
    try:
        _expect_error(run, project, ["check"], "corpus/fr/secret.txt")
    finally:
        p.chmod(0o644)


def test_lone_carriage_returns_are_newlines_not_errors(run, project):
    """Old Mac files (lone \\r) are read as they are, and their lines are counted right."""
    (project / "corpus/fr/mac.txt").write_bytes("Titre\r\rLe Médiateur a reçu 12 plaintes.\r".encode())
    r = run(["segments", str(project / "corpus/fr/mac.txt"), "--format", "json"])
    assert r.exit_code == 0
    assert [b["lines"] for b in json.loads(r.stdout)["blocks"]] == [[1, 1], [3, 3]]


def _capped(project, *args, seconds=60):
    """Run the real command in a subprocess under a 1 GiB memory cap and a time limit."""
    import subprocess
    import sys

    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
            "from aomi18n.cli import main; sys.argv = ['aomi18n'] + sys.argv[1:]; main()")
    env = dict(os.environ, AOMI18N_NO_CACHE="1")
    return subprocess.run([sys.executable, "-c", code, *args, str(project)], capture_output=True, text=True,
                          timeout=seconds, env=env)


@pytest.mark.parametrize("name", ["glossary.yaml", "aomi18n.yaml", "corpus/en/working-group-migrant-children-action-plan.txt"])
def test_a_fifo_in_place_of_a_file_is_refused_without_blocking(project, name):
    target = project / name
    if target.exists():
        target.unlink()
    os.mkfifo(target)
    r = _capped(project, "check")
    assert r.returncode == 2 and name.split("/")[-1] in r.stderr and "Traceback" not in r.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
@pytest.mark.parametrize("name", ["glossary.yaml", "aomi18n.yaml"])
def test_a_link_to_dev_zero_is_refused_without_reading_it(project, name):
    (project / name).unlink(missing_ok=True)
    os.symlink("/dev/zero", project / name)
    r = _capped(project, "check")
    assert r.returncode == 2 and name in r.stderr and "not a regular file" in r.stderr


def test_a_cache_entry_that_is_a_fifo_is_a_miss_not_a_hang(project):
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "aomi18n", "check", str(project)], capture_output=True, timeout=120)
    entries = [p for p in (project / ".aomi18n-cache" / "analysis").rglob("*") if p.is_file()]
    assert entries
    for p in entries:
        p.unlink()
        os.mkfifo(p)
    r = subprocess.run([sys.executable, "-m", "aomi18n", "check", str(project)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1 and "missing-document" in r.stdout


@pytest.mark.parametrize("name", ["aomi18n.yaml", "glossary.yaml"])
def test_a_folder_in_place_of_a_file_is_an_error(project, name):
    (project / name).unlink(missing_ok=True)
    (project / name).mkdir()
    r = _capped(project, "check")
    assert r.returncode == 2 and name in r.stderr


def test_a_corpus_folder_that_is_a_file_is_an_error(project):
    import shutil as sh

    sh.rmtree(project / "corpus/en")
    (project / "corpus/en").write_text("not a folder")
    r = _capped(project, "check")
    assert r.returncode == 2 and "corpus/en" in r.stderr and "not a folder" in r.stderr


def test_a_huge_source_date_epoch_is_no_overflow(project):
    import subprocess
    import sys

    env = dict(os.environ, SOURCE_DATE_EPOCH="99999999999999999999", AOMI18N_NO_CACHE="1")
    r = subprocess.run([sys.executable, "-m", "aomi18n", "po", "export", str(project)], capture_output=True, text=True,
                       timeout=120, env=env)
    assert r.returncode == 0 and "Traceback" not in r.stderr


BOUNDED = ["glossary-alias-bomb", "config-alias-bomb", "glossary-deep-nesting", "config-deep-nesting",
           "po-sync-deep-json", "config-huge-number", "config-corpus-wrong-types", "doc-nul-late", "glossary-raw-nul",
           "config-threshold-nan", "config-language-list", "config-pair-twice"]


@pytest.mark.parametrize("name", BOUNDED)
def test_hostile_configuration_and_documents_end_bounded_in_a_real_process(project, name):
    """The issue-18 cases again, as a user meets them: the installed command in its own
    process, under a 1 GiB memory cap and a time limit; exit 2 with file:line."""
    case = DATA / "bad" / name
    spec = json.loads((case / "case.json").read_text())
    for src in (case / "files").rglob("*"):
        if src.is_file():
            dest = project / src.relative_to(case / "files")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    r = _capped(project, *spec["command"], seconds=60)
    assert r.returncode == 2, r.stderr[-500:]
    assert spec["expect"] in r.stderr and "Traceback" not in r.stderr
    assert "MemoryError" not in r.stderr and "RecursionError" not in r.stderr
