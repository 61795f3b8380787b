"""The CLI: commands on the bundled corpus, exit codes, and every error path exits 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import ROOT, snapshot

FR = "corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt"
EN = "corpus/en/working-group-migrant-children-action-plan.txt"


def test_segments_json(run):
    r = run(["segments", str(ROOT / EN), "--format", "json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["lang"] == "en" and data["blocks"][0]["lines"] == [3, 3]
    assert data["blocks"][-1]["text"].startswith("Tools are available")


def test_segments_text_shows_spans_and_language(run):
    r = run(["segments", str(ROOT / FR)])
    assert r.exit_code == 0
    assert "   11  list_item #3 [fr]  **Renforcement des capacités**" in r.stdout


def test_pairs_finds_the_translation_by_content(run, project):
    r = run(["pairs", str(project), "--format", "json"])
    assert r.exit_code == 0
    pairs = json.loads(r.stdout)["pairs"]
    paired = [p for p in pairs if p["source"] and p["target"]]
    assert len(paired) == 1
    assert paired[0]["source"].endswith("groupe-travail-enfants-migrants-plan-2017-2018.txt")
    assert paired[0]["method"] == "content" and paired[0]["confidence"] > 0.25
    assert sum(1 for p in pairs if p["target"] is None) == 3


def test_pairs_by_manifest_and_by_name(run, project):
    (project / "corpus/en/oim-maroc-conference-cloture-salemm.txt").write_text("Closing conference of the SALEMM project\n")
    (project / "aomi18n.yaml").write_text(
        "pairs:\n  - source: corpus/fr/plan-action-2017-cooperation-formation-site.txt\n"
        "    target: corpus/en/working-group-migrant-children-action-plan.txt\n")
    pairs = json.loads(run(["pairs", str(project), "--format", "json"]).stdout)["pairs"]
    methods = {(Path(p["source"]).name if p["source"] else None): p["method"] for p in pairs}
    assert methods["plan-action-2017-cooperation-formation-site.txt"] == "manifest"
    assert methods["oim-maroc-conference-cloture-salemm.txt"] == "name"


def test_check_on_bundled_corpus_golden(run, project):
    """The issue's target, pinned: 3 missing documents, 3 glossary places, 1 extra, nothing else."""
    r = run(["check", str(project), "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    kinds = sorted(f["kind"] for f in data["findings"])
    assert kinds == ["extra"] + ["glossary"] * 3 + ["missing-document"] * 3
    gl = sorted((f["target"]["lines"][0], f["details"]["found"], f["expected"]) for f in data["findings"] if f["kind"] == "glossary")
    assert gl == [(11, "HCR", "UNHCR"), (11, "OIM", "IOM"), (14, "HCR", "UNHCR")]
    extra = next(f for f in data["findings"] if f["kind"] == "extra")
    assert extra["target"]["lines"] == [20, 20] and extra["source"] is None
    assert data["version"] == 2 and data["languages"] == {"source": "fr", "target": "en"} and data["summary"]["by_kind"]["missing-document"] == 3


def test_check_text_is_compiler_style(run, project):
    r = run(["check", str(project)])
    assert r.exit_code == 1
    assert 'corpus/en/working-group-migrant-children-action-plan.txt:11: error: glossary: "HCR" must be "UNHCR"' in r.stdout


def test_fail_on_and_select(run, project):
    assert run(["check", str(project), "--fail-on", "drift,untranslated"]).exit_code == 0
    assert run(["check", str(project), "--fail-on", "glossary"]).exit_code == 1
    assert run(["check", str(project), "--select", "extra", "--fail-on", "error"]).exit_code == 0
    assert run(["check", str(project), "--fail-on", "never", "--min-coverage", "90"]).exit_code == 1
    assert run(["check", str(project), "--fail-on", "never", "--min-coverage", "10"]).exit_code == 0
    r = run(["check", str(project), "--select", "nonsense"])
    assert r.exit_code == 2 and "unknown check 'nonsense'" in r.stderr


def test_inline_suppression(run, project):
    en = project / EN
    text = en.read_text()
    en.write_text(text.replace("\nTools are available", "\n<!-- aomi18n: ignore extra added by the office -->\nTools are available"))
    data = json.loads(run(["check", str(project), "--format", "json"]).stdout)
    assert "extra" not in {f["kind"] for f in data["findings"]}
    assert data["summary"]["suppressed"] == 1


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github"])
def test_machine_formats(run, project, fmt):
    r = run(["check", str(project), "--format", fmt])
    assert r.exit_code == 1
    if fmt == "sarif":
        sarif = json.loads(r.stdout)
        assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 7
    elif fmt == "junit":
        import xml.etree.ElementTree as ET

        root = ET.fromstring(r.stdout)
        assert root.tag == "testsuites" and len(root.findall("testsuite/testcase/failure")) == 7
        assert sum(int(s.get("failures")) for s in root.findall("testsuite")) == 7
    else:
        assert r.stdout.count("::error file=") == 6 and r.stdout.count("::warning file=") == 1


def _bad_config(project: Path, text: str) -> None:
    (project / "aomi18n.yaml").write_text(text)


@pytest.mark.parametrize(
    "setup,message",
    [
        (lambda p: _bad_config(p, "source_dir: ../../etc\n"), "aomi18n.yaml:1: source_dir '../../etc' is outside the project"),
        (lambda p: _bad_config(p, "colour: blue\n"), "aomi18n.yaml:1: unknown setting 'colour'"),
        (lambda p: _bad_config(p, "thresholds:\n  drift_content: high\n"), "aomi18n.yaml:2: threshold drift_content must be a number"),
        (lambda p: _bad_config(p, "pairs:\n  - source: a\n    target: b\n"), "pairs: 'a' is not a document"),
        (lambda p: (p / "glossary.yaml").write_text("terms:\n  - fr: HCR\n    en: UNHCR\n    en: X\n"), "glossary.yaml:4: invalid YAML: duplicate key 'en'"),
        (lambda p: (p / "corpus/fr/latin1.txt").write_bytes("Caf\xe9\n".encode("latin-1")), "latin1.txt:1: is not valid UTF-8"),
        (lambda p: (p / "corpus/fr/empty.txt").write_bytes(b""), "empty.txt: is empty"),
        (lambda p: os.symlink("loop.txt", p / "corpus/fr/loop.txt"), "loop.txt: is a symbolic link loop"),
    ],
)
def test_user_errors_exit_2_with_file_and_line(run, project, setup, message):
    setup(project)
    before = snapshot(project)
    r = run(["check", str(project)])
    assert r.exit_code == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert snapshot(project) == before


def test_missing_file_and_project_exit_2(run, tmp_path):
    r = run(["segments", str(tmp_path / "nope.txt")])
    assert r.exit_code == 2 and "nope.txt: does not exist" in r.stderr
    r = run(["check", str(tmp_path / "nowhere")])
    assert r.exit_code == 2 and "no such project folder" in r.stderr


def test_every_command_is_documented_in_the_readme(run):
    import click

    from aomi18n.cli import cli

    readme = (ROOT / "README.md").read_text()

    def walk(group, prefix):
        for name, cmd in group.commands.items():
            full = f"{prefix} {name}"
            assert cmd.help, full
            if isinstance(cmd, click.Group):
                walk(cmd, full)
                continue
            assert full in readme, f"README lacks an example of {full}"
            for param in cmd.params:
                for opt in getattr(param, "opts", []):
                    if opt.startswith("--") and opt != "--help":
                        assert opt in readme, f"README lacks {opt} of {full}"

    walk(cli, "aomi18n")
    for param in cli.params:  # the group's own options
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in ("--help", "--version"):
                assert f"aomi18n {opt}" in readme, f"README lacks an example of aomi18n {opt}"


def test_progress_is_reported_per_pair_and_quiet_when_piped(run, project):
    from aomi18n.analysis import analyze
    from aomi18n.render.terminal import RunProgress as _Progress
    from aomi18n.config import load_config

    calls = []
    analyze(load_config(project), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(k, 4) for k in range(1, 5)]
    bar = _Progress()
    assert bar.enabled is False  # CliRunner's stderr is not a terminal
    bar(1, 4)
    assert bar.bar is None


def test_the_readme_ci_example_is_valid_and_uploads_before_it_gates():
    import re

    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = readme[readme.index("## CI"):readme.index("## Library")]
    workflow, hooks = (yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", ci, re.S)[:2])
    steps = workflow["jobs"]["translation"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert not any(r.strip() == "pip install aomi18n" for r in runs)  # not on PyPI
    upload = next(k for k, s in enumerate(steps) if "upload-sarif" in s.get("uses", ""))
    gate = next(k for k, r in enumerate(runs) if "--fail-on error" in r)
    assert steps[upload].get("if") == "always()" and upload < gate
    assert hooks["repos"][0]["rev"] not in ("main", "master")
    # The commands it runs are real options of this aomi18n.
    from click.testing import CliRunner

    from aomi18n.cli import cli

    for r in runs:
        if r.startswith("aomi18n "):
            args = r.split()[1:]
            assert CliRunner().invoke(cli, [*args[:1], "--help"]).exit_code == 0
            for opt in (a for a in args if a.startswith("--")):
                assert opt in CliRunner().invoke(cli, [args[0], "--help"]).output


def test_the_command_collects_garbage_less_often_but_importing_aomi18n_does_not():
    import subprocess
    import sys

    probe = ("import gc, sys; import aomi18n.analysis, aomi18n.cli; before = gc.get_threshold()[0]; "
             "sys.argv = ['aomi18n', '--version']; from aomi18n.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\nprint(before, gc.get_threshold()[0])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out[-1] == "10000" and out[-2] != "10000"  # Python's own default before (700 in 3.11)
