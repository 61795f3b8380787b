"""``@record``: a frozen dataclass that is cheap to make.

A frozen dataclass's generated ``__init__`` sets each field through
``object.__setattr__`` (to get past its own frozen ``__setattr__``): three times the
cost of storing it. A large corpus makes hundreds of thousands of blocks, units,
links and matches, so ``@record`` gives the class an ``__init__`` that stores the
fields in the instance's ``__dict__`` directly. Everything else is the dataclass's
(fields, defaults, equality, hashing, repr, ``replace``, pickling, frozenness).
"""

from __future__ import annotations

import dataclasses


def record(cls: type) -> type:
    """``@dataclass(frozen=True)`` with a direct ``__init__`` (same parameters and defaults).

    For plain classes: no ``__post_init__``, no default factories, no ``__slots__``,
    and every field an ``__init__`` parameter (each is refused here)."""
    cls = dataclasses.dataclass(frozen=True, init=False)(cls)  # its own __init__ is made below
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"@record: {cls.__name__} has __post_init__ or __slots__")
    defaults: dict[str, object] = {}
    params = []
    for f in fields:
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"@record: field {f.name} of {cls.__name__} is not a plain parameter")
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    if any(f.name in ("self", "_record_dict") for f in fields):
        raise TypeError(f"@record: {cls.__name__} has a field named self or _record_dict")
    body = "".join(f"    _record_dict[{f.name!r}] = {f.name}\n" for f in fields)
    source = f"def __init__(self, {', '.join(params)}):\n    _record_dict = self.__dict__\n{body}"
    namespace: dict[str, object] = dict(defaults)
    exec(source, namespace)  # the code is built from the class's own field names only
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls
