"""Machine translation through deep-translator: opt-in, cached, glossary-safe.

Services: ``libre`` (LibreTranslate, any URL), ``deepl``, ``google``, ``microsoft``,
``mymemory``. Keys come from environment variables only (``AOMI18N_<SERVICE>_KEY``, or
the variable deep-translator itself reads) and are never written anywhere, cache
included. Results are cached on disk, keyed by service, languages and text.

Glossary: French acronyms with a required English form are replaced by that form
before the text is sent (engines keep acronyms as they are), and forbidden English
forms are fixed in what comes back.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import socket
import time
from pathlib import Path

from .cache import _secret
from .errors import Aomi18nError
from .glossary import Glossary
from .writer import write_text
from .yamlutil import read_limited

SERVICES = ("libre", "deepl", "google", "microsoft", "mymemory")
TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0  # seconds to connect to the service
READ_TIMEOUT = 20.0  # seconds of silence in an answer
CALL_DEADLINE = 60.0  # seconds for one whole answer (a server that drips a byte at a time)
RUN_DEADLINE = 600.0  # seconds for all the machine translation of one run
MAX_ANSWER_BYTES = 2 * 2**20  # an answer larger than this is not a translation


class TranslationError(Aomi18nError):
    """The translation service failed (network, key, quota); work done so far is kept."""


def _key(service: str) -> str | None:
    names = {
        "libre": ("AOMI18N_LIBRE_KEY", "LIBRE_API_KEY"),
        "deepl": ("AOMI18N_DEEPL_KEY", "DEEPL_API_KEY"),
        "microsoft": ("AOMI18N_MICROSOFT_KEY", "MICROSOFT_API_KEY"),
        "mymemory": ("AOMI18N_MYMEMORY_EMAIL",),
    }.get(service, ())
    for n in names:
        if os.environ.get(n):
            return os.environ[n]
    return None


def _engine(service: str, source: str, target: str, url: str | None):
    try:
        import deep_translator as dt
    except ImportError:
        raise TranslationError("machine translation needs deep-translator: pip install 'aomi18n[mt]'") from None
    key = _key(service)
    if service == "libre":
        base = (url or "https://libretranslate.com").rstrip("/") + "/"
        return dt.LibreTranslator(source=source, target=target, api_key=key or "none", custom_url=base)
    if service == "deepl":
        if not key:
            raise TranslationError("DeepL needs a key in AOMI18N_DEEPL_KEY")
        return dt.DeeplTranslator(source=source, target=target, api_key=key, use_free_api=key.endswith(":fx"))
    if service == "microsoft":
        if not key:
            raise TranslationError("Microsoft Translator needs a key in AOMI18N_MICROSOFT_KEY")
        return dt.MicrosoftTranslator(source=source, target=target, api_key=key, region=os.environ.get("AOMI18N_MICROSOFT_REGION"))
    if service == "mymemory":
        return dt.MyMemoryTranslator(source=f"{source}-FR" if source == "fr" else source, target=f"{target}-GB" if target == "en" else target, email=key)
    if service == "google":
        return dt.GoogleTranslator(source=source, target=target)
    raise TranslationError(f"unknown machine translation service {service!r} (known: {', '.join(SERVICES)})")


class MachineTranslator:
    """Translate French text to English with one service, a disk cache and the glossary."""

    def __init__(self, service: str, source: str, target: str, *, url: str | None = None,
                 cache_dir: Path | None = None, glossary: Glossary | None = None):
        if service not in SERVICES:
            raise TranslationError(f"unknown machine translation service {service!r} (known: {', '.join(SERVICES)})")
        self.service, self.source, self.target, self.url = service, source, target, url
        self.glossary = glossary
        self.cache_path = cache_dir / "mt" / f"{service}-{source}-{target}.json" if cache_dir else None
        self._cache: dict[str, str] = {}
        self._secret = _secret() if self.cache_path else None
        if self.cache_path and self.cache_path.is_file() and self._secret:
            try:
                data = json.loads(read_limited(self.cache_path, TranslationError).decode("utf-8"))
                entries = data.get("entries") if isinstance(data, dict) else None
                # Signed with this user's key: a cache that came with a checkout (or was
                # edited) plants nothing into the PO files; it is ignored.
                if isinstance(entries, dict) and hmac.compare_digest(str(data.get("signature", "")),
                                                                     self._sign(entries)):
                    self._cache = {str(k): str(v) for k, v in entries.items()}
            except (OSError, ValueError, RecursionError, TranslationError):
                self._cache = {}  # a cache is safe to lose
        self._engine = None
        self.requests = 0
        self.run_seconds = RUN_DEADLINE
        self.deadline = time.monotonic() + RUN_DEADLINE

    def _sign(self, entries: dict) -> str:
        body = json.dumps(entries, ensure_ascii=False, sort_keys=True).encode()
        return hmac.new(self._secret or b"", b"mt\0" + body, hashlib.sha256).hexdigest()

    def _cache_key(self, text: str) -> str:
        return hashlib.sha256(f"{self.service}\0{self.url or ''}\0{text}".encode()).hexdigest()

    def protect(self, text: str) -> str:
        if not self.glossary:
            return text
        out = text
        for term in self.glossary.terms:
            if term.keep or term.category not in ("acronym", "") or " " in term.fr or not term.fr.isupper():
                continue
            for m in reversed(term.find_fr(out)):
                out = out[: m.start] + out[m.start:m.end].replace(term.fr, term.en) + out[m.end:]
        return out

    def enforce(self, text: str) -> str:
        return self.glossary.fix(text)[0] if self.glossary else text

    def translate(self, text: str) -> str:
        sent = self.protect(text)
        key = self._cache_key(sent)
        if key in self._cache:
            return self.enforce(self._cache[key])
        if self._engine is None:
            self._engine = _engine(self.service, self.source, self.target, self.url)
        now = time.monotonic()
        if now > self.deadline:
            raise TranslationError(f"{self.service}: the run's time for machine translation "
                                   f"({self.run_seconds:.0f} s) is over")
        old = socket.getdefaulttimeout()
        socket.setdefaulttimeout(TIMEOUT)
        try:
            self.requests += 1
            with _bounded_http(min(self.deadline, now + CALL_DEADLINE)):
                result = self._engine.translate(sent)
        except Exception as exc:  # deep-translator and requests raise many kinds; all mean "no translation"
            raise TranslationError(redact(f"{self.service} failed: {type(exc).__name__}: {str(exc)[:300]}")[:240]) from None
        finally:
            socket.setdefaulttimeout(old)
        if not isinstance(result, str) or not result.strip():
            raise TranslationError(f"{self.service} returned no translation")
        self._cache[key] = result
        return self.enforce(result)

    def save(self) -> None:
        if self.cache_path and self._cache and self._secret:
            write_text(self.cache_path, json.dumps({"entries": self._cache, "signature": self._sign(self._cache)},
                                                   ensure_ascii=False, indent=0, sort_keys=True))


class _Bounded(Exception):
    """An answer over its size or time: no translation."""


@contextlib.contextmanager
def _bounded_http(deadline: float):
    """Every HTTP request the translation library makes, bounded: connect and read
    timeouts, the answer read in chunks up to :data:`MAX_ANSWER_BYTES`, before
    ``deadline`` (a server that stalls, drips, floods or streams forever ends here)."""
    try:
        import requests
    except ImportError:
        yield
        return
    original = requests.Session.request

    def request(session, method, url, **kwargs):
        kwargs["timeout"] = (CONNECT_TIMEOUT, READ_TIMEOUT)
        kwargs["stream"] = True
        kwargs["headers"] = {**(kwargs.get("headers") or {}), "Accept-Encoding": "identity"}
        response = original(session, method, url, **kwargs)
        raw = response.raw
        # read1: what has arrived, so that a dripping server meets the deadline check.
        pieces = iter(lambda: raw.read1(65536), b"") if hasattr(raw, "read1") else response.iter_content(1024)
        chunks, total = [], 0
        try:
            for chunk in pieces:
                total += len(chunk)
                if total > MAX_ANSWER_BYTES:
                    raise _Bounded(f"the answer is over {MAX_ANSWER_BYTES:,} bytes")
                if time.monotonic() > deadline:
                    raise _Bounded("no complete answer in time")
                chunks.append(chunk)
        finally:
            if total > MAX_ANSWER_BYTES or time.monotonic() > deadline:
                response.close()
        response._content = b"".join(chunks)
        response._content_consumed = True
        return response

    requests.Session.request = request
    try:
        yield
    finally:
        requests.Session.request = original


_SECRET_VARIABLES = ("AOMI18N_LIBRE_KEY", "LIBRE_API_KEY", "AOMI18N_DEEPL_KEY", "DEEPL_API_KEY",
                     "AOMI18N_MICROSOFT_KEY", "MICROSOFT_API_KEY", "AOMI18N_MYMEMORY_EMAIL")
# A credential in a URL's query or a header, whatever its value: api_key=..., auth_key=...
_CREDENTIAL = re.compile(r"(?i)((?:api[_-]?key|auth[_-]?key|key|token|secret|password|de|email)=)[^&\s'\"]+"
                         r"|((?:authorization|ocp-apim-subscription-key)['\"]?\s*[:=]\s*['\"]?)[^'\",\n}]+")


def redact(message: str) -> str:
    """A message from the translation library with every key taken out: the values of
    the key variables wherever they appear, and any credential in a URL or a header."""
    for name in _SECRET_VARIABLES:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            message = message.replace(value, "***")
    return _CREDENTIAL.sub(lambda m: (m.group(1) or m.group(2)) + "***", message)
