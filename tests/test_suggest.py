"""Suggestions (translation memory, machine translation on a local test server) and the queue."""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import polib
import pytest

from .conftest import snapshot
from .test_po import EN, FR, edit_po, make

pytest.importorskip("deep_translator")

DICTIONARY = {
    "La Commission de Venise a adopté les Principes de Venise le 15 mars 2019.":
        "The Venice Commission adopted the Venice Principles on 15 March 2019.",
    "Le groupe de travail se réunira à Malte le 7 octobre 2020.": "The working group will meet in Malta on 7 October 2020.",
}


def _send_json(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
    """Answer a stub server's request with ``payload`` as JSON."""
    body = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class LibreTranslateStub(BaseHTTPRequestHandler):
    """Enough of LibreTranslate's /translate for deep-translator, on 127.0.0.1 only."""

    calls: list[dict] = []
    fail_after: int | None = None

    def do_POST(self):  # noqa: N802 (http.server's name)
        q = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            q.update({k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()})
        type(self).calls.append(q)
        if self.fail_after is not None and len(self.calls) > self.fail_after:
            self.send_response(503)
            self.end_headers()
            return
        text = q.get("q", "")
        _send_json(self, 200, {"translatedText": DICTIONARY.get(text, "EN: " + text)})

    def log_message(self, *args):
        pass


@pytest.fixture
def libre():
    LibreTranslateStub.calls = []
    LibreTranslateStub.fail_after = None
    server = ThreadingHTTPServer(("127.0.0.1", 0), LibreTranslateStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", LibreTranslateStub
    server.shutdown()
    server.server_close()


def drop(text: str, *paras: str) -> str:
    for p in paras:
        text = text.replace(p + "\n\n", "")
    return text


def test_translation_memory_fills_close_matches_as_fuzzy(run, tmp_path):
    fr = FR + "\nLe groupe de travail se réunira à Malte le 8 octobre 2020.\n"
    root = make(tmp_path, fr=fr)
    run(["po", "export", str(root)])
    r = run(["suggest", str(root)])
    assert r.exit_code == 0, r.output
    e = next(e for e in polib.pofile(str(root / "po/en/rapport.po")) if e.msgid.endswith("le 8 octobre 2020."))
    assert e.msgstr == "The working group will meet in Malta on 7 October 2020."
    assert "fuzzy" in e.flags and "translation memory, 98% match" in e.tcomment
    assert "1 from translation memory" in r.stderr


def test_translation_memory_offers_nothing_under_the_threshold(run, tmp_path):
    root = make(tmp_path, fr=FR + "\nUne conférence régionale aura lieu à Beyrouth.\n")
    run(["po", "export", str(root)])
    before = snapshot(root / "po")
    r = run(["suggest", str(root), "--min-score", "90"])
    assert r.exit_code == 0 and "0 from translation memory" in r.stderr
    assert snapshot(root / "po") == before


def test_machine_translation_through_a_local_libretranslate(run, tmp_path, libre, monkeypatch):
    url, stub = libre
    monkeypatch.setenv("AOMI18N_LIBRE_KEY", "secret-key-123")
    root = make(tmp_path, en=drop(EN, "The Venice Commission adopted the Venice Principles on 15 March 2019."))
    run(["po", "export", str(root)])
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "") if e.msgid.startswith("Le HCR") else None)
    r = run(["suggest", str(root), "--mt", "libre", "--mt-url", url, "--min-score", "99"])
    assert r.exit_code == 0, r.output
    entries = {e.msgid: e for e in polib.pofile(str(root / "po/en/rapport.po"))}
    venice = entries["La Commission de Venise a adopté les Principes de Venise le 15 mars 2019."]
    assert venice.msgstr == DICTIONARY[venice.msgid] and "fuzzy" in venice.flags and "machine translation (libre)" in venice.tcomment
    # glossary: the French acronyms were sent as their English forms
    unhcr = entries["Le HCR et l'OIM ont participé à 3 réunions à Rabat et à Tunis."]
    assert "UNHCR" in unhcr.msgstr and "IOM" in unhcr.msgstr and " HCR" not in unhcr.msgstr
    sent = [c["q"] for c in stub.calls]
    assert any("UNHCR" in q and "IOM" in q for q in sent)
    # the key came from the environment and is written nowhere
    for data in snapshot(root).values():
        assert b"secret-key-123" not in data
    # cached on disk: a second run on a fresh export asks the server nothing
    calls = len(stub.calls)
    run(["po", "export", str(root), "--force"])
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "") if e.msgid.startswith("Le HCR") else None)
    assert run(["suggest", str(root), "--mt", "libre", "--mt-url", url, "--min-score", "99"]).exit_code == 0
    assert len(stub.calls) == calls


def test_network_failure_is_reported_and_work_is_kept(run, tmp_path, libre):
    url, stub = libre
    stub.fail_after = 1
    root = make(tmp_path, en=drop(EN, "The Venice Commission adopted the Venice Principles on 15 March 2019."))
    run(["po", "export", str(root)])
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "") if e.msgid.startswith("Le HCR") else None)
    r = run(["suggest", str(root), "--mt", "libre", "--mt-url", url, "--min-score", "99"])
    assert r.exit_code == 1
    assert "libre failed" in r.stderr and "1 machine translations kept" in r.stderr and "Traceback" not in r.stderr
    po = polib.pofile(str(root / "po/en/rapport.po"))
    assert sum(1 for e in po if "machine translation" in e.tcomment) == 1


def test_unreachable_server_is_a_clean_error(run, tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    root = make(tmp_path, en=drop(EN, "The Venice Commission adopted the Venice Principles on 15 March 2019."))
    run(["po", "export", str(root)])
    r = run(["suggest", str(root), "--mt", "libre", "--mt-url", f"http://127.0.0.1:{port}", "--min-score", "99"])
    assert r.exit_code == 1 and "libre failed" in r.stderr and "Traceback" not in r.output


def test_suggest_without_po_files_says_what_to_do(run, tmp_path):
    r = run(["suggest", str(make(tmp_path))])
    assert r.exit_code == 2 and "po export" in r.output


def test_queue_orders_by_what_matters_and_counts_words_like_pocount(run, project):
    from translate.tools.pocount import wordcount

    r = run(["queue", str(project), "--format", "json"])
    assert r.exit_code == 0
    items = json.loads(r.stdout)["items"]
    kinds = [i["kind"] for i in items]
    assert kinds == ["missing-document"] * 3 + ["glossary"] * 3 + ["extra"]
    first = items[0]
    text = (project / first["where"].split(":")[0]).read_text()
    from aomi18n.documents import parse_document

    doc = parse_document(text.encode(), "x")
    assert first["words"] == sum(wordcount(b.content) for b in doc.translatable_blocks)
    assert [i["words"] for i in items[:3]] == sorted((i["words"] for i in items[:3]), reverse=True)


def test_queue_filters_and_csv(run, project):
    r = run(["queue", str(project), "--kind", "glossary", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 3 and {row["kind"] for row in rows} == {"glossary"}
    r = run(["queue", str(project), "--document", "*plan-action-2017*"])
    assert r.exit_code == 0 and "1 items" in r.stdout and "plan-action-2017-cooperation" in r.stdout
    assert run(["queue", str(project), "--kind", "nonsense"]).exit_code == 2


class EchoingRefusal(BaseHTTPRequestHandler):
    """A server that refuses the key and quotes it back, as real services do."""

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        q = {k: v[0] for k, v in parse_qs(body).items()}
        _send_json(self, 403, {"error": f"Unauthorized access with the api key {q.get('api_key', '?')}"})

    def log_message(self, *args):
        pass


def test_the_key_never_appears_in_output_when_the_service_quotes_it(run, tmp_path, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingRefusal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("AOMI18N_LIBRE_KEY", "SECRET-9f8e7d")
        root = make(tmp_path, en=drop(EN, "The Venice Commission adopted the Venice Principles on 15 March 2019."))
        run(["po", "export", str(root)])
        r = run(["suggest", str(root), "--mt", "libre", "--mt-url", f"http://127.0.0.1:{server.server_address[1]}"])
        assert r.exit_code == 1 and "libre failed" in r.output
        assert "SECRET-9f8e7d" not in r.output
        for data in snapshot(root).values():
            assert b"SECRET-9f8e7d" not in data
    finally:
        server.shutdown()
        server.server_close()


def test_credentials_in_urls_and_headers_are_redacted(monkeypatch):
    from aomi18n.mt import redact

    monkeypatch.setenv("AOMI18N_DEEPL_KEY", "abc123:fx")
    assert "abc123" not in redact("HTTPSConnectionPool: /v2/translate?auth_key=abc123:fx&text=x (proxy error)")
    assert redact("GET /translate?api_key=zzz999&q=x") == "GET /translate?api_key=***&q=x"
    assert "hunter2" not in redact("{'Authorization': 'DeepL-Auth-Key hunter2'}")


def test_a_machine_translation_cache_that_came_with_a_checkout_is_ignored(run, tmp_path, libre, monkeypatch):
    url, stub = libre
    root = make(tmp_path, en=drop(EN, "The Venice Commission adopted the Venice Principles on 15 March 2019."))
    run(["po", "export", str(root)])
    planted = root / ".aomi18n-cache/mt/libre-fr-en.json"
    planted.parent.mkdir(parents=True)
    from aomi18n.mt import MachineTranslator

    key = MachineTranslator("libre", "fr", "en", url=url)._cache_key(
        "La Commission de Venise a adopté les Principes de Venise le 15 mars 2019.")
    planted.write_text(json.dumps({"entries": {key: "PLANTED TEXT"}, "signature": "0" * 64}))
    assert run(["suggest", str(root), "--mt", "libre", "--mt-url", url]).exit_code == 0
    po = polib.pofile(str(root / "po/en/rapport.po"))
    assert not any("PLANTED" in e.msgstr for e in po) and stub.calls  # asked the server instead


class Hostile(BaseHTTPRequestHandler):
    """A translation server that misbehaves as told: drip, stall, flood, stream."""

    mode = "drip"

    def do_POST(self):  # noqa: N802
        import time as t

        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        try:
            if self.mode == "stall":
                t.sleep(30)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if self.mode == "drip":
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(60):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    t.sleep(0.5)
            elif self.mode == "flood":
                self.send_header("Content-Length", str(60 * 2**20))
                self.end_headers()
                for _ in range(60 * 16):
                    self.wfile.write(b" " * 65536)
            else:  # an endless chunked answer
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for _ in range(100000):
                    self.wfile.write(b"10000\r\n" + b" " * 65536 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("mode", ["drip", "stall", "flood", "stream"])
def test_a_hostile_server_ends_the_machine_translation_in_time_with_memory_bounded(run, tmp_path, monkeypatch, mode):
    import resource
    import time as t

    from aomi18n import mt

    monkeypatch.setattr(mt, "CALL_DEADLINE", 3.0)
    monkeypatch.setattr(mt, "READ_TIMEOUT", 2.0)
    Hostile.mode = mode
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root = make(tmp_path, en=drop(EN, "The Venice Commission adopted the Venice Principles on 15 March 2019."))
        run(["po", "export", str(root)])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = t.monotonic()
        r = run(["suggest", str(root), "--mt", "libre", "--mt-url", f"http://127.0.0.1:{server.server_address[1]}"])
        took = t.monotonic() - start
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        assert r.exit_code == 1 and "libre failed" in r.output and "Traceback" not in r.output
        assert took < 15 and grown < 200 * 1024  # KB: the answer was never held whole
        po = polib.pofile(str(root / "po/en/rapport.po"))
        assert all(not e.msgstr for e in po if e.msgid.startswith("La Commission de Venise"))
    finally:
        server.shutdown()
        server.server_close()


def test_queue_names_the_po_entry_and_counts_work_waiting_in_po_files(run, tmp_path):
    root = make(tmp_path, en=drop(EN, "The Venice Commission adopted the Venice Principles on 15 March 2019."))
    run(["po", "export", str(root)])
    venice = "La Commission de Venise a adopté les Principes de Venise le 15 mars 2019."
    data = json.loads(run(["--no-cache", "queue", str(root), "--format", "json"]).stdout)
    item = next(i for i in data["items"] if i["kind"] == "untranslated")
    assert item["po"].startswith("po/en/rapport.po:") and item["state"] == "to do"
    line = int(item["po"].rsplit(":", 1)[1])  # where the entry starts (its comments), as editors show it
    after = (root / "po/en/rapport.po").read_text().splitlines()[line - 1:line + 8]
    assert any("La Commission de Venise" in x for x in after) and any(x.startswith("msgid") for x in after)
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "The Venice Commission adopted them.")
            if e.msgid == venice else None)
    data = json.loads(run(["--no-cache", "queue", str(root), "--format", "json"]).stdout)
    item = next(i for i in data["items"] if i["kind"] == "untranslated")
    assert item["state"] == "translated in the PO file, not imported yet"
    assert "(translated, not imported yet)" in run(["--no-cache", "queue", str(root)]).stdout
