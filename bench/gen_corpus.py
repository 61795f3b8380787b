"""Generate a synthetic French/English corpus for the scale benchmark.

    python bench/gen_corpus.py PAIRS OUT [--seed N]

PAIRS document pairs of about 50 blocks each (headings, paragraphs of two or three
sentences, list items), with realistic faults: 10 % of French documents have no English,
2 % of English blocks are dropped, 3 % have a number changed (drift), 2 % keep a French
acronym (glossary). Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

CITIES = ["Rabat", "Tunis", "Alger", "Lisbonne", "Athènes", "Beyrouth", "Malte", "Madrid", "Rome", "Ankara"]
CITIES_EN = {"Alger": "Algiers", "Lisbonne": "Lisbon", "Athènes": "Athens", "Beyrouth": "Beirut", "Malte": "Malta"}
SENTENCES = [
    ("Le Médiateur de {c} a reçu {n} plaintes en {y}.", "The Ombudsman of {c} received {n} complaints in {y}."),
    ("Le groupe de travail se réunira à {c} le {d} mars {y}.", "The working group will meet in {c} on {d} March {y}."),
    ("{n} agents ont été formés aux droits des enfants migrants.", "{n} officers were trained in the rights of migrant children."),
    ("Le HCR et l'OIM ont participé à {d} réunions à {c}.", "UNHCR and IOM took part in {d} meetings in {c}."),
    ("La Commission de Venise a adopté son avis en {y}.", "The Venice Commission adopted its opinion in {y}."),
    ("Le rapport annuel compte {n} pages et {d} recommandations.", "The annual report has {n} pages and {d} recommendations."),
    ("Une visite d'étude a eu lieu à {c} en {y}.", "A study visit took place in {c} in {y}."),
    ("Les institutions membres ont signé la déclaration de {c}.", "The member institutions signed the {c} declaration."),
]
HEADINGS = [("Rapport d'activité {y}", "Activity report {y}"), ("Coopération à {c}", "Cooperation in {c}"),
            ("Formation des agents", "Training of officers"), ("Plan d'action {y}", "Action plan {y}")]


def _fill(rng: random.Random, pair: tuple[str, str]) -> tuple[str, str]:
    c = rng.choice(CITIES)
    v = {"n": rng.randint(2, 2000), "y": rng.randint(2010, 2025), "d": rng.randint(1, 28)}
    return pair[0].format(c=c, **v), pair[1].format(c=CITIES_EN.get(c, c), **v)


def document(rng: random.Random, blocks: int = 50) -> tuple[list[str], list[str | None]]:
    fr, en = [], []
    for k in range(blocks):
        if k % 12 == 0:
            a, b = _fill(rng, rng.choice(HEADINGS))
            fr.append("## " + a)
            en.append("## " + b)
        elif k % 12 in (5, 6, 7):
            a, b = _fill(rng, rng.choice(SENTENCES))
            fr.append("- " + a)
            en.append("- " + b)
        else:
            pairs = [_fill(rng, rng.choice(SENTENCES)) for _ in range(rng.randint(2, 3))]
            fr.append(" ".join(p[0] for p in pairs))
            en.append(" ".join(p[1] for p in pairs))
    out: list[str | None] = []
    for b in en:
        r = rng.random()
        if r < 0.02:
            out.append(None)
        elif r < 0.05:
            out.append(b.replace("1", "7", 1) if "1" in b else b + " (2019)")
        elif r < 0.07:
            out.append(b.replace("UNHCR", "HCR").replace("IOM", "OIM") if "UNHCR" in b else b)
        else:
            out.append(b)
    return fr, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.out.exists():
        shutil.rmtree(a.out)
    (a.out / "corpus/fr").mkdir(parents=True)
    (a.out / "corpus/en").mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "glossary.yaml", a.out / "glossary.yaml")
    for i in range(a.pairs):
        fr, en = document(rng)
        name = f"section-{i // 100:02d}/doc-{i:05d}.md"
        (a.out / "corpus/fr" / name).parent.mkdir(parents=True, exist_ok=True)
        (a.out / "corpus/fr" / name).write_text("\n\n".join(fr) + "\n")
        if rng.random() >= 0.10:
            (a.out / "corpus/en" / name).parent.mkdir(parents=True, exist_ok=True)
            (a.out / "corpus/en" / name).write_text("\n\n".join(b for b in en if b is not None) + "\n")
    print(f"{a.pairs} French documents in {a.out}")


if __name__ == "__main__":
    main()
