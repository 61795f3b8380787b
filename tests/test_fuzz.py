"""Fuzz targets (hypothesis, bounded): the document reader and the PO reader take any bytes
and either return a result or raise their own error naming the file, never anything else.

Inputs are built from the grammar's fragments (markup, PO keywords, quotes, escapes,
odd newlines and encodings) mixed with raw bytes, so the readers' branches are reached
rather than only their first check. Each target runs a fixed number of examples
(deterministic with the suite's seed), about a second each.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aomi18n.documents import parse_document, units
from aomi18n.errors import Aomi18nError, DocumentError
from aomi18n.pofiles import read_po

# AOMI18N_FUZZ_EXAMPLES raises the budget for a longer local run (5,000 each: clean).
FUZZ = settings(max_examples=int(os.environ.get("AOMI18N_FUZZ_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

DOC_PIECES = st.sampled_from([
    "# ", "## Titre", "- ", "* ", "1. ", "> ", "```", "~~~", "    code", "<!-- aomi18n: ignore drift -->",
    "<!-- ", " -->", "---", "| a | b |", "[lien](http://x.org)", "`code`", "**gras**", "\n", "\r\n", "\r",
    "\n\n", " ", "\t", "é", "’", "\u00a0", "\ufeff", "Le HCR et l'OIM.", "M. Dupont", "1 234,5", "…", "\x00",
])
PO_PIECES = st.sampled_from([
    'msgid ""\n', 'msgstr ""\n', 'msgid "a"\n', 'msgstr "b"\n', 'msgctxt "c"\n', 'msgid_plural "p"\n',
    'msgstr[0] "x"\n', "#, fuzzy\n", "#| msgid \"old\"\n", "#~ msgid \"gone\"\n", "#: f.md:1\n", "# note\n",
    '"continued"\n', '"\\n"\n', '"\\t\\"\\\\"\n', '"\\q"\n', '"unterminated\n', "\n", "\r\n",
    '"Content-Type: text/plain; charset=UTF-8\\n"\n', '"Content-Type: text/plain; charset=latin-1\\n"\n', "é", "\x00",
])


def _mix(pieces):
    return st.lists(st.one_of(pieces.map(lambda s: s.encode("utf-8")), st.binary(max_size=8)), max_size=40).map(b"".join)


@FUZZ
@given(data=st.one_of(_mix(DOC_PIECES), st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-16"))))
def test_fuzz_document_reader(data):
    try:
        doc = parse_document(data, "fuzz.md", identify=False)
    except DocumentError as exc:
        assert "fuzz.md" in str(exc)
        return
    # What it returns is consistent: blocks in order, inside the text, units at both levels.
    last = 0
    for b in doc.blocks:
        assert last <= b.line <= b.end_line
        last = b.end_line
    for level in ("blocks", "sentences"):
        for u in units(doc, level):
            assert u.text.strip()


@FUZZ
@given(data=st.one_of(_mix(PO_PIECES), st.binary(max_size=300)))
def test_fuzz_po_reader(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("po") / "fuzz.po"
    path.write_bytes(data)
    try:
        po = read_po(path)
    except Aomi18nError as exc:
        assert "fuzz.po" in str(exc)
        return
    for entry in po:
        assert isinstance(entry.msgid, str) and isinstance(entry.msgstr, str)
