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
    assert f.ids["coverage-words"].strip() == f"{rep['coverage_words']} %"
    assert f.ids["glossary-compliance"].strip() == f"{rep['glossary']['compliance']} %"
    assert [row["data-source"] for row in f.rows] == [d["source"] for d in rep["documents"]]
    assert 'lang="en"' in html and "<h2" in html
    # one page per document beside the overview, each row linking to it
    pages = sorted(p.name for p in (tmp_path / "report_pairs").iterdir())
    assert pages == sorted(d["page"] for d in rep["documents"])
    for d in rep["documents"]:
        assert f'href="report_pairs/{d["page"]}"' in html
        page = (tmp_path / "report_pairs" / d["page"]).read_text()
        assert 'href="../report.html"' in page and d["source"] in page


def test_report_in_french(run, project, tmp_path):
    out = tmp_path / "r.html"
    run(["report", str(project), "-o", str(out), "--lang", "fr"])
    html = out.read_text()
    assert 'lang="fr"' in html and "Documents en français sans traduction en anglais" in html


def test_corpus_text_is_escaped_in_the_report(run, project, tmp_path):
    doc = project / "corpus/en/working-group-migrant-children-action-plan.txt"
    doc.write_text(doc.read_text() + "\n<script>alert('x')</script> and <img src=x onerror=alert(1)>\n")
    out = tmp_path / "r"
    run(["report", str(project), "-o", str(out)])
    [page] = [p for p in (out / "pairs").iterdir() if "groupe-travail" in p.name]
    html = page.read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html  # a pair's page runs no script at all
    assert (out / "index.html").read_text().count("<script>") == 1  # the overview's sorting/filtering only
    md = run(["report", str(project), "--format", "md"]).stdout
    assert "| English-only text |" in md  # kinds in plain words (ids stay in JSON, SARIF, the CLI)


def test_report_markdown(run, project):
    md = run(["report", str(project), "--format", "md"]).stdout
    assert md.startswith("# English translation: completeness report")
    assert "The English covers 15.4 % of the French text (309 of 2,001 words). 3 of 4 French documents" in md
    docs = md.split("## Documents")[1].split("## French documents with no English")[0]
    assert docs.count("\n| ") == 5  # the heading row and four documents, by title
    assert "| groupe-travail-enfants-migrants-plan-2017-2018.txt | working-group-migrant-children-action-plan.txt |" in docs
    missing = md.split("## French documents with no English")[1].split("##")[0]
    assert missing.count("\n- corpus/fr/") == 3


def test_status_table(run, project):
    r = run(["status", str(project)])
    assert r.exit_code == 0
    assert "The English covers 15.4 % of the French text" in r.stdout and "-> no English" in r.stdout
    assert "groupe-travail-enfants-migrants-plan-" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="%(page)s" style="width:%(width)spx;height:900px;border:0"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {
  var w = this.contentWindow, doc = w.document, row = doc.querySelector("#documents tbody tr a");
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({scrollWidth: doc.documentElement.scrollWidth, innerWidth: w.innerWidth,
    summary: doc.getElementById("summary").textContent, rows: doc.querySelectorAll("#documents tbody tr").length,
    href: row.getAttribute("href"), title: row.textContent});
  document.body.appendChild(out);
});
</script></body></html>"""


def _chromium(*args: str, profile) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--allow-file-access-from-files", f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, check=False)


def _probe(folder, width: int, profile) -> dict:
    """The overview as a reader at ``width`` pixels sees it, measured inside Chromium (an
    iframe of that width: headless windows are never narrower than 500 px)."""
    probe = folder / f"probe-{width}.html"
    probe.write_text(_PROBE % {"page": "index.html", "width": width}, encoding="utf-8")
    dom = _chromium("--dump-dom", probe.as_uri(), profile=profile).stdout
    m = re.search(r'<pre id="probe">([^<]*)</pre>', dom)
    assert m, dom[-2000:]
    return json.loads(m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"'))


def _png_width(path) -> int:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
    return int.from_bytes(data[16:20], "big")


def _sentence_numbers(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt install chromium chromium-driver)")
@pytest.mark.parametrize("corpus", ["bundled", "1,000 pairs"])
def test_report_in_headless_chromium(run, project, tmp_path, corpus):
    if corpus != "bundled":
        import sys

        from .conftest import ROOT

        project = tmp_path / "generated"
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "1000", str(project)], check=True,
                       capture_output=True, timeout=300)
    out = tmp_path / "report"
    assert run(["--no-cache", "--jobs", "2", "report", str(project), "-o", str(out)]).exit_code == 0
    rep = json.loads(run(["report", str(project), "--format", "json"]).stdout)["report"]
    assert (out / "index.html").stat().st_size < 1_000_000  # the overview stays light at any size
    s = rep["sentence"]
    expected = [s["coverage"], s["translated_words"], s["words"]]
    expected += [s["documents_without"], s["documents"]] if s["documents_without"] else [s["documents"]]
    expected += [s["out_of_date"]] if s["out_of_date"] else []
    expected += [s["in_po_words"]] if s["in_po_words"] else []
    expected += [s["glossary_errors"]] if s["glossary_errors"] else []
    for width in (420, 1400):
        shot = tmp_path / f"shot-{width}.png"
        _chromium(f"--screenshot={shot}", f"--window-size={width},1800", (out / "index.html").as_uri(),
                  profile=tmp_path / "profile")
        assert _png_width(shot) == width
        seen = _probe(out, width, tmp_path / "profile")
        assert seen["innerWidth"] == width
        assert seen["scrollWidth"] <= seen["innerWidth"], seen  # nothing overflows horizontally
        assert seen["rows"] == len(rep["documents"])
        assert _sentence_numbers(seen["summary"]) == expected, seen["summary"]
    # the first row's link opens its document's page, which names the document and links back
    first = rep["documents"][0]
    assert seen["href"] == f"pairs/{first['page']}" and seen["title"] == first["title"]
    dom = _chromium("--dump-dom", (out / seen["href"]).as_uri(), profile=tmp_path / "profile").stdout
    f = figures(dom)
    assert f.ids["pair-title"].strip() == first["title"] and f.ids["pair-source"].strip() == first["source"]
    assert 'href="../index.html"' in dom


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
    assert "no glossary configured" in r.stdout and "%" not in r.stdout.split("Glossary")[1].split("\n")[0]
    assert "No glossary is configured." in r.stdout
    out = tmp_path / "r.html"
    run(["--no-cache", "report", str(project), "-o", str(out)])
    assert "no glossary configured" in out.read_text()
    rep = json.loads(run(["--no-cache", "report", str(project), "--format", "json"]).stdout)["report"]
    assert rep["glossary"]["compliance"] is None and rep["sentence"]["glossary_errors"] is None


def test_a_queue_filter_that_matches_nothing_says_so(run, project):
    r = run(["--no-cache", "queue", str(project), "--document", "*no-such-document*"])
    assert r.exit_code == 2 and "matches no document" in r.output


def test_report_kinds_are_plain_words_in_the_reports_language(run, project, tmp_path):
    out = tmp_path / "fr.html"
    run(["--no-cache", "report", str(project), "-o", str(out), "--lang", "fr"])
    html = out.read_text()
    assert "documents sans traduction\u00a0: 3" in html and "erreurs de glossaire\u00a0: 3" in html
    assert "missing-document: 3" not in html
    out_en = tmp_path / "en.html"
    run(["--no-cache", "report", str(project), "-o", str(out_en)])
    assert "documents with no English: 3" in out_en.read_text()


class _Visible(HTMLParser):
    """The text a reader sees or hears in the page's language: element text and
    aria-label/title/alt, no script; an element marked as another language (the
    tool's own message, lang="en" in a French report) is that language's, not the UI's."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "wbr"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.page_lang = None
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.page_lang = a.get("lang")
        hidden = bool(self._stack and self._stack[-1][1]) or tag in ("script", "style") or (
            "lang" in a and a["lang"] != self.page_lang)
        if not hidden:
            self.parts += [v for k, v in attrs if k in ("aria-label", "title", "alt", "placeholder") and v]
        if tag not in self.VOID:
            self._stack.append((tag, hidden))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not (self._stack and self._stack[-1][1]):
            self.parts.append(data)


def _visible(html: str) -> str:
    p = _Visible()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


def _fragments(lang: str, other: str) -> set[str]:
    """The UI strings of ``lang`` that ``other`` does not share, cut at their placeholders
    into pieces of two words or more (a piece of one word may be a word of the corpus)."""
    import re

    from aomi18n.render.strings import strings

    mine, theirs = strings(lang), strings(other)
    out = set()
    for key, text in mine.items():
        if text == theirs.get(key):
            continue
        for piece in re.split(r"\{\w+\}", text):
            piece = " ".join(piece.split()).strip(" .:()·")
            if len(piece.split()) >= 2:
                out.add(piece)
    return out


@pytest.mark.parametrize("lang, other", [("fr", "en"), ("en", "fr")])
def test_the_report_speaks_one_language_only(run, project, tmp_path, lang, other):
    # Every page of the report (overview and side by side) is in the language asked for:
    # not one of the other language's UI strings shows. The French document with no
    # English has a page of French corpus text only, which no English UI string matches.
    (project / "corpus/fr/evil.txt").write_text("Le comité s'est réuni.\n", encoding="utf-8")
    out = tmp_path / "r"
    run(["--no-cache", "report", str(project), "-o", str(out), "--lang", lang])
    pages = [out / "index.html"] + sorted((out / "pairs").iterdir())
    text = " ".join(_visible(p.read_text()) for p in pages)
    foreign = sorted(f for f in _fragments(other, lang) if f in text)
    assert foreign == [], foreign
    assert len([f for f in _fragments(lang, other) if f in text]) >= 20  # its own strings are there


def test_work_waiting_in_a_po_file_counts_in_queue_status_and_report(run, project):
    # A French document with no English, exported to PO and translated there: the
    # words are "in a PO file, not imported yet" everywhere, not "to do".
    assert run(["--no-cache", "po", "export", str(project)]).exit_code == 0
    import polib

    po_file = next((project / "po/en").glob("plan-action-2017*.po"))
    po = polib.pofile(str(po_file))
    entries = [e for e in po if e.msgid and not e.obsolete]
    entries[0].msgstr = "Action plan 2017: cooperation and training"
    po.save()
    words = len(entries[0].msgid.split())

    def waiting():
        items = json.loads(run(["--no-cache", "queue", str(project), "--format", "json"]).stdout)["items"]
        return [i for i in items if i["state"] != "to do"]

    [item] = waiting()  # one entry of the document: the document is partly translated
    assert item["state"] == "partly translated in the PO file, not imported yet"
    assert item["po"] == f"po/en/{po_file.name}:{entries[0].linenum}" and item["kind"] == "missing-document"
    for e in entries:
        e.msgstr = e.msgstr or "Translated."
    po.save()
    [item] = waiting()
    assert item["state"] == "translated in the PO file, not imported yet"
    text = run(["--no-cache", "queue", str(project)]).stdout
    assert f"po/en/{po_file.name}:{entries[0].linenum} (translated, not imported yet)" in text

    rep = json.loads(run(["--no-cache", "report", str(project), "--format", "json"]).stdout)["report"]
    assert rep["work"]["in_po"] == rep["states"]["in_po"] > 0
    doc = next(d for d in rep["documents"] if "plan-action-2017" in d["source"])
    assert doc["work"]["in_po"] == doc["states"]["in_po"] == doc["words"] > words  # every entry translated
    assert doc["work"]["todo"] == 0
    md = run(["--no-cache", "report", str(project), "--format", "md"]).stdout
    assert "words are translated in PO files and wait to be imported" in md

    status = run(["--no-cache", "status", str(project)]).stdout
    row = next(line for line in status.splitlines() if "plan-action-2017" in line)
    assert row.split()[-3] == str(doc["work"]["in_po"])


def test_markdown_is_rendered_in_the_side_by_side_view_and_stays_data(run, tmp_path):
    root = tmp_path / "site"
    (root / "corpus/fr").mkdir(parents=True)
    (root / "corpus/en").mkdir(parents=True)
    (root / "corpus/fr/page.md").write_text(
        "# Le **comité** {/*comite*/}\n\n* Voir [le site](https://example.org) et `code`, [pas ça](javascript:alert(1)).\n\n"
        "Texte <img src=x onerror=alert(1)> ![logo](x.png).\n", encoding="utf-8")
    (root / "corpus/en/page.md").write_text(
        "# The **committee** {/*comite*/}\n\n* See [the site](https://example.org) and `code`, [not that](javascript:alert(1)).\n\n"
        "Text <img src=x onerror=alert(1)> ![logo](x.png).\n", encoding="utf-8")
    out = tmp_path / "r"
    assert run(["--no-cache", "report", str(root), "-o", str(out)]).exit_code in (0, 1)
    [page] = list((out / "pairs").iterdir())
    html = page.read_text()
    assert "<strong><strong>comité</strong></strong>" not in html and "<strong>Le <strong>comité</strong></strong>" in html
    assert "{/*comite*/}" not in html  # MDX comments are markup, not text
    assert "• Voir <span class=\"link\" title=\"https://example.org\">le site</span>" in html and "<code>code</code>" in html
    assert "[pas ça](javascript:alert(1))" in html  # an unsafe link is not even a link: text
    assert "href=" not in html.split("<main>")[1]  # no link out of the corpus text: links are shown as text
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<span class="image">[logo]</span>' in html


def test_a_report_again_renders_only_the_pages_that_changed(run, project, tmp_path):
    out = tmp_path / "r"
    first = run(["report", str(project), "-o", str(out)])
    assert "4 document pages" in first.stderr and "(0 unchanged)" in first.stderr
    again = run(["report", str(project), "-o", str(out)])
    assert "0 document pages" in again.stderr and "(4 unchanged)" in again.stderr
    doc = project / "corpus/en/working-group-migrant-children-action-plan.txt"
    doc.write_text(doc.read_text() + "\nA new English paragraph with no French at all, written today.\n")
    changed = run(["report", str(project), "-o", str(out)])
    assert "1 document pages" in changed.stderr and "(3 unchanged)" in changed.stderr
    [page] = [p for p in (out / "pairs").iterdir() if "groupe-travail" in p.name]
    assert "written today" in page.read_text()
    gone = project / "corpus/fr/plan-action-2017-cooperation-formation-site.txt"
    gone.unlink()
    run(["report", str(project), "-o", str(out)])
    assert not any("plan-action-2017" in p.name for p in (out / "pairs").iterdir())  # its page went with it


def test_a_paragraph_both_stale_and_drifted_counts_as_out_of_date():
    # The bar and the findings agree: a paragraph the sync record knows changed is
    # "out of date" even when the drift check flags it too (a known change comes first).
    from aomi18n.analysis import PairResult
    from aomi18n.documents import Unit
    from aomi18n.model import Alignment, Finding, Link, Location, Severity

    su = (Unit("Le comité se réunit.", 1, 1, 0), Unit("Il adopte le plan.", 3, 3, 1))
    tu = (Unit("The committee meets.", 1, 1, 0), Unit("It adopts the plan.", 3, 3, 1))
    al = Alignment((Link((0,), (0,), 0.9), Link((1,), (1,), 0.9)), 2, 2)
    at = Location("fr.md", 1, 1)
    r = PairResult(None, su, tu, al, [Finding("drift", Severity.WARNING, "x", source=at),
                                      Finding("stale", Severity.WARNING, "y", source=at)])
    assert r.unit_states() == ["stale", "translated"]
    r.findings.append(Finding("untranslated", Severity.ERROR, "z", source=at))
    assert r.unit_states() == ["untranslated", "translated"]


def test_a_report_from_the_cache_is_a_report_without_it(run, project, tmp_path, monkeypatch):
    # The report keeps each document's figures and page in the cache: a report into a new
    # folder reads no document, and says what a report with --no-cache says, also after
    # a translator's work in a PO file (the figures' "in a PO file" state) changes.
    import polib

    from aomi18n import analysis

    def report(*args: str, out: str = "r") -> tuple[dict, dict[str, bytes]]:
        folder = tmp_path / out
        shutil.rmtree(folder, ignore_errors=True)
        assert run([*args, "report", str(project), "-o", str(folder)]).exit_code in (0, 1)
        data = json.loads(run([*args, "report", str(project), "--format", "json"]).stdout)
        data.pop("generated", None)
        return data, {p.name: p.read_bytes() for p in (folder / "pairs").iterdir()}

    assert run(["po", "export", str(project)]).exit_code == 0
    fresh = report("--no-cache")
    assert report() == fresh  # fills the cache
    real, loaded = analysis._full_entry, []
    monkeypatch.setattr(analysis, "_full_entry", lambda *a: loaded.append(a[1][0].relpath) or real(*a))
    assert report(out="other") == fresh and loaded == []

    po_file = next((project / "po/en").glob("plan-action-2017*.po"))
    po = polib.pofile(str(po_file))
    for e in po:
        e.msgstr = e.msgstr or "Translated."
    po.save()
    fresh = report("--no-cache")
    assert fresh[0]["report"]["states"]["in_po"] > 0
    assert report(out="third") == fresh
