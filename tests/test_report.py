"""The completeness report (HTML, Markdown, JSON), status, and the report in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")) if p), None)


class _Figures(HTMLParser):
    """Collect the text of elements with an id, and data-* of the document rows."""

    def __init__(self):
        super().__init__()
        self.ids: dict[str, str] = {}
        self.rows: list[dict[str, str]] = []
        self._stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._stack.append(a.get("id"))
        if tag == "tr" and "doc" in (a.get("class") or "").split():
            self.rows.append(a)
        if a.get("id"):
            self.ids[a["id"]] = ""

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for i in self._stack:
            if i:
                self.ids[i] += data


def figures(html: str) -> _Figures:
    p = _Figures()
    p.feed(html)
    return p


def test_report_json_has_checks_figures(run, project):
    check = json.loads(run(["check", str(project), "--format", "json"]).stdout)
    rep = json.loads(run(["report", str(project), "--format", "json"]).stdout)
    assert rep["summary"] == check["summary"] and rep["findings"] == check["findings"]
    assert rep["report"]["coverage_words"] == check["summary"]["coverage"]
    assert len(rep["report"]["missing"]) == 3
    docs = rep["report"]["documents"]
    assert sum(d["words"] for d in docs) == check["summary"]["words"]
    paired = next(d for d in docs if d["target"])
    assert paired["states"]["translated"] == paired["words"]  # faithful apart from glossary and extra
    assert rep["report"]["glossary"]["findings"] == 3 and rep["report"]["glossary"]["occurrences"] >= 3


def test_report_html_is_self_contained_and_shows_the_json_figures(run, project, tmp_path):
    out = tmp_path / "report.html"
    r = run(["report", str(project), "-o", str(out)])
    assert r.exit_code == 0
    html = out.read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no external asset
    assert "<link" not in html and "@import" not in html
    rep = json.loads(run(["report", str(project), "--format", "json"]).stdout)["report"]
    f = figures(html)
    assert f.ids["coverage-words"].strip() == f"{rep['coverage_words']}%"
    assert f.ids["glossary-compliance"].strip() == f"{rep['glossary']['compliance']}%"
    assert [row["data-source"] for row in f.rows] == [d["source"] for d in rep["documents"]]
    assert 'lang="en"' in html and "<h2" in html


def test_report_in_french(run, project, tmp_path):
    out = tmp_path / "r.html"
    run(["report", str(project), "-o", str(out), "--lang", "fr"])
    html = out.read_text()
    assert 'lang="fr"' in html and "Documents en français sans traduction en anglais" in html


def test_corpus_text_is_escaped_in_the_report(run, project, tmp_path):
    doc = project / "corpus/en/working-group-migrant-children-action-plan.txt"
    doc.write_text(doc.read_text() + "\n<script>alert('x')</script> and <img src=x onerror=alert(1)>\n")
    out = tmp_path / "r.html"
    run(["report", str(project), "-o", str(out)])
    html = out.read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<script>") == 1  # only the report's own sorting/filtering script
    md = run(["report", str(project), "--format", "md"]).stdout
    assert "| English-only text |" in md  # kinds in plain words (ids stay in JSON, SARIF, the CLI)


def test_report_markdown(run, project):
    md = run(["report", str(project), "--format", "md"]).stdout
    assert md.startswith("# English translation: completeness report")
    docs = md.split("## Documents")[1].split("## French documents with no English")[0]
    assert docs.count("\n| corpus/fr/") == 4
    missing = md.split("## French documents with no English")[1].split("##")[0]
    assert missing.count("\n- corpus/fr/") == 3


def test_status_table(run, project):
    r = run(["status", str(project)])
    assert r.exit_code == 0
    assert "English coverage 15.4%" in r.stdout and "missing" in r.stdout
    assert "groupe-travail-enfants-migrants-plan-" in r.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt install chromium chromium-driver)")
def test_report_in_headless_chromium(run, project, tmp_path):
    out = tmp_path / "report.html"
    run(["report", str(project), "-o", str(out)])
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "shot.png"
    subprocess.run(base + [f"--screenshot={shot}", "--window-size=1280,1800", out.as_uri()],
                   capture_output=True, timeout=120, check=False)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    dom = subprocess.run(base + ["--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120, check=False).stdout
    f = figures(dom)
    rep = json.loads(run(["report", str(project), "--format", "json"]).stdout)
    assert f.ids["coverage-words"].strip() == f"{rep['report']['coverage_words']}%"
    assert f.ids["coverage-blocks"].strip() == f"{rep['report']['coverage_blocks']}%"
    assert f.ids["findings-count"].strip() == str(rep["summary"]["findings"])
    assert [float(r["data-coverage"]) for r in f.rows] == [d["coverage"] for d in rep["report"]["documents"]]


def test_markdown_report_escapes_corpus_text_and_file_names(run, project):
    evil = project / "corpus/fr/<svg onload=alert(1)>.txt"
    evil.write_text("Le comité <script>alert(1)</script> s'est réuni [ici](javascript:x).\n", encoding="utf-8")
    r = run(["--no-cache", "report", str(project), "--format", "md"])
    assert r.exit_code == 0
    assert "<script>" not in r.stdout and "<svg" not in r.stdout and "](javascript" not in r.stdout
    assert "&lt;svg onload=alert\\(1\\)&gt;" in r.stdout


def test_no_glossary_is_said_not_counted_as_compliance(run, project, tmp_path):
    (project / "glossary.yaml").unlink()
    r = run(["--no-cache", "report", str(project), "--format", "md"])
    assert "no glossary configured" in r.stdout and "100.0%" not in r.stdout.split("Glossary")[1][:40]
    out = tmp_path / "r.html"
    run(["--no-cache", "report", str(project), "-o", str(out)])
    assert "no glossary configured" in out.read_text()


def test_a_queue_filter_that_matches_nothing_says_so(run, project):
    r = run(["--no-cache", "queue", str(project), "--document", "*no-such-document*"])
    assert r.exit_code == 2 and "matches no document" in r.output


def test_report_kinds_are_plain_words_in_the_reports_language(run, project, tmp_path):
    out = tmp_path / "fr.html"
    run(["--no-cache", "report", str(project), "-o", str(out), "--lang", "fr"])
    html = out.read_text()
    assert "documents sans traduction: 3" in html and "erreurs de glossaire: 3" in html
    assert "missing-document: 3" not in html
    out_en = tmp_path / "en.html"
    run(["--no-cache", "report", str(project), "-o", str(out_en)])
    assert "documents with no English: 3" in out_en.read_text()
