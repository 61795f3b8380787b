"""@record: a frozen dataclass with a direct __init__, otherwise the dataclass's own."""

import dataclasses
import pickle

import pytest

from aomi18n.model import Block, Link, Sentence
from aomi18n.records import record


@record
class Point:
    x: int
    y: int = 0
    label: str = dataclasses.field(default="", compare=False)


def test_parameters_defaults_and_keywords_are_the_dataclasses():
    assert Point(1) == Point(1, 0) == Point(x=1, y=0)
    assert Point(1, 2, "a") == Point(1, 2, "b")  # compare=False is kept
    assert Point(1, 2) != Point(2, 1)
    assert repr(Point(3, 4, "p")) == "Point(x=3, y=4, label='p')"
    with pytest.raises(TypeError):
        Point()  # x has no default
    with pytest.raises(TypeError):
        Point(1, 2, "a", 4)
    with pytest.raises(TypeError):
        Point(1, z=3)


def test_frozen_hashable_replaceable_and_picklable():
    p = Point(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 5
    assert hash(p) == hash(Point(1, 2))
    assert dataclasses.replace(p, y=7) == Point(1, 7)
    assert pickle.loads(pickle.dumps(p)) == p
    assert dataclasses.asdict(p) == {"x": 1, "y": 2, "label": ""}


def test_the_models_records_equal_what_the_dataclass_made():
    # The same instance dict as the dataclass's own __init__ makes, field for field.
    b = Block(0, "paragraph", "Un texte.", "Un texte.", 0, 9, 0, 9, 1, 1)
    plain = dataclasses.make_dataclass("Plain", [(f.name, object, f) for f in dataclasses.fields(Block)], frozen=True)
    assert {k: v for k, v in vars(b).items()} == vars(plain(*(getattr(b, f.name) for f in dataclasses.fields(Block))))
    assert b.sentences == (Sentence(0, "Un texte.", 0, 9, 1, 1),)  # cached properties still work
    assert Link((0,), (1,), 0.5).meaning is None


def test_classes_it_cannot_make_cheaply_are_refused():
    with pytest.raises(TypeError):
        @record
        class Listed:
            items: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError):
        @record
        class Checked:
            x: int

            def __post_init__(self):
                pass
