"""Every pattern that runs on corpus text stays linear on its worst case (issue 18).

Not a speed measurement (those are in bench/): each function gets 100 KB built to
make a backtracking pattern quadratic, and must end within seconds rather than the
minutes a quadratic scan takes at that size.
"""

from __future__ import annotations

import time

import pytest

N = 100_000

def _block(text: str):
    from aomi18n.documents import parse_document

    doc = parse_document(("```js\n" + text + "\n```\n").encode(), "x.md", identify=False, max_line=10 * N)
    return doc.blocks[0]


WORST = {
    "open strings": '"a ' * (N // 3) + "`b " * (N // 3) + "/* " * (N // 6),
    "word run then @": "a" * N + "@",
    "e-mail-like run": ("x.y+z-" * (N // 6)) + "@",
    "data URI and e-mail": "![x](data:image/png;base64," + "QUJD" * (N // 4) + ") jean@example.org",
    "backticks": "`a " * (N // 3),
    "open tags": "<a " * (N // 3),
    "open brackets": "[a](" * (N // 4),
    "MDX comment opened": "{/* " * (N // 4),
    "shortcodes opened": "{{< " * (N // 4),
    "digits and separators": "1 000." * (N // 6),
    "glued numbers": "ab1 " * (N // 4),
    "url-like": "http://" * (N // 7),
    "parentheses": "(" * N,
}


def _functions():
    from aomi18n.checks.drift import _code_differences, _link_differences, _missing_acronyms, _numbers
    from aomi18n.codeblocks import _blank_text, normalize_code
    from aomi18n.documents import parse_document
    from aomi18n.features import neutral_features
    from aomi18n.glossary import load_glossary, mask
    from aomi18n.markdown import markup_only
    from aomi18n.sentences import split_sentences
    from aomi18n.text import normalize, prose, words_to_translate

    from .conftest import ROOT

    glossary = load_glossary(ROOT / "glossary.yaml")
    return {
        "prose": prose, "words_to_translate": words_to_translate, "normalize": normalize,
        "numbers": lambda t: _numbers(t, t), "links": lambda t: _link_differences(t, "x"),
        "inline code": lambda t: _code_differences(t, "x"), "acronyms": lambda t: _missing_acronyms(t, "x", set()),
        "code text": _blank_text, "code block": lambda t: normalize_code(_block(t)), "markup_only": markup_only, "features": neutral_features,
        "sentences": split_sentences,
        "markdown reader": lambda t: parse_document(t.encode(), "x.md", identify=False, max_line=10 * N),
        "text reader": lambda t: parse_document(t.encode(), "x.txt", identify=False, max_line=10 * N), "glossary mask": mask, "glossary fix": lambda t: glossary.fix(t),
    }


@pytest.mark.parametrize("case", sorted(WORST))
def test_every_text_pattern_is_linear_on_its_worst_case(case):
    text = WORST[case]
    for name, fn in _functions().items():
        start = time.perf_counter()
        fn(text)
        took = time.perf_counter() - start
        assert took < 5.0, f"{name} took {took:.1f} s on 100 KB of {case!r}"


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\"'`/*{}<!->\n\\ ab")), max_size=80))
def test_the_code_scanner_finds_what_its_regex_finds(text):
    # Strings and comments in code are found by a scanner that looks each comment's end
    # up once; it must make the very matches of the one regex that defines them.
    from aomi18n.codeblocks import _SCAN, _scan_sub

    def show(m):
        return f"<{m.group(0)}|{m.group('c') is not None}|{m.start()}|{m.end()}|{m.string[m.end():m.end() + 1]}>"

    assert _scan_sub(text, show) == _SCAN.sub(show, text)


@pytest.mark.parametrize("length", [4999, 5000, 5001])
@pytest.mark.parametrize("opening, closing", [("/*", "*/"), ("{/*", "*/}"), ("<!--", "-->"), ("`", "`")])
def test_the_code_scanner_keeps_the_regexs_bounds(opening, closing, length):
    from aomi18n.codeblocks import _SCAN, _scan_sub

    for text in (opening + "x" * length + closing, "a" + opening + "x" * length + closing + opening + closing,
                 opening * 3 + "y" * length + closing):
        assert _scan_sub(text, lambda m: f"[{m.group(0)}]") == _SCAN.sub(lambda m: f"[{m.group(0)}]", text)


def test_long_code_blocks_are_paired_and_diffed_in_linear_time():
    # Two 1 MB code blocks that differ in one line: an edit distance over their tokens
    # (or a line diff) would cost the product of their lengths, minutes; past
    # _ORDERED_MAX they are compared by counts, and the changed line is still found.
    from aomi18n.codeblocks import _changed, align_code, code_blocks
    from aomi18n.documents import parse_document

    lines = [f"const value{k % 50} = compute({k % 7}, items[{k % 11}]);" for k in range(25_000)]
    changed = lines.copy()
    changed[12_345] = "const other = compute(99, items[0]);"

    def doc(code):
        return parse_document(("```js\n" + "\n".join(code) + "\n```\n").encode(), "x.md", identify=False, max_line=10 * N)

    start = time.perf_counter()
    source, target = code_blocks(doc(lines)), code_blocks(doc(changed))
    links = align_code(source, target)
    diff = _changed(source[0], target[0])
    assert time.perf_counter() - start < 5.0
    assert [(link.source, link.target) for link in links] == [(0, 0)]
    assert diff == (12_345 + 2,)  # the fence is line 1
