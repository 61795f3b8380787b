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
