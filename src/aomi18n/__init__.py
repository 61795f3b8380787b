"""aomi18n: keep a French-source, English-translation body of documents honest.

The library flows one way: ``documents`` -> ``corpus`` (pairing) -> ``alignment``
-> ``checks`` -> outputs (``po``, ``queue``, and the renderers in ``render``). ``cli``
is a thin click layer.
"""

__version__ = "0.2.0"
