"""aomi18n: keep a French-source, English-translation body of documents honest.

The library flows one way: ``documents`` -> ``corpus`` (pairing) -> ``alignment``
-> ``checks`` -> outputs (``po``, ``queue``, and the renderers in ``render``). ``cli``
is a thin click layer.
"""

__version__ = "0.2.0"


def fewer_collections() -> None:
    """Collect cyclic garbage less often, in a process that is aomi18n's own (the
    command line and a pool's workers call this; importing aomi18n does not).

    A run makes hundreds of thousands of small objects (blocks, tokens, units, links)
    that mostly live to its end. With Python's default, a young collection every 700
    of them, collections cost about 2% of a cold check; every 10,000, a tenth of that.
    The garbage that waits meanwhile is a few megabytes at most."""
    import gc

    gc.set_threshold(10_000, *gc.get_threshold()[1:])
