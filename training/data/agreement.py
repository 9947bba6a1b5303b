"""Inter-annotator agreement on the event corpus: a sample labelled twice, independently.

``data/events/agreement/second-annotation.jsonl`` holds a second annotator's labels for a
seeded random sample of the corpus (drawn from the round-two batches, read by annotators who
saw neither the first labels nor each other's); ``second-annotation-r4.jsonl`` does the same for
round four's batches (neighbours of explosions, riots and protests: many more positives of
the rare types than a sample of round two has). Agreement is reported per type as Cohen's
kappa, and overall as the macro-F1 of one annotation scored against the other: the ceiling
a model can be expected to reach on this data.

    python -m cronaca.training.data.agreement
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from cronaca.inference.labels import EVENT_TYPES

from .event_corpus import EVENTS_DIR, FILES

SECOND = EVENTS_DIR / "agreement" / "second-annotation.jsonl"
SAMPLES = {
    "round two": SECOND,
    "round four": EVENTS_DIR / "agreement" / "second-annotation-r4.jsonl",
}


def read_labels(path: Path) -> dict[str, set[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {row["id"]: set(row["labels"]) for row in map(json.loads, filter(None, lines))}


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Kappa of two binary annotations (1.0 when both are constant and equal)."""
    observed = float((a == b).mean())
    expected = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return 1.0 if expected == 1.0 else (observed - expected) / (1 - expected)


def agreement(
    first: Mapping[str, set[str]], second: Mapping[str, set[str]], types: Sequence[str]
) -> dict:
    ids = sorted(set(first) & set(second))
    missing = sorted(set(second) - set(first))
    if missing:
        raise ValueError(f"second annotation of ids the corpus lacks: {missing[:5]}")
    a = np.asarray([[t in first[i] for t in types] for i in ids], dtype=float)
    b = np.asarray([[t in second[i] for t in types] for i in ids], dtype=float)
    per_type = {}
    for j, label in enumerate(types):
        both, positives = float((a[:, j] * b[:, j]).sum()), a[:, j].sum() + b[:, j].sum()
        # a type neither annotation used has nothing to agree on: no F1, left out of the macro
        f1 = 2 * both / positives if positives else None
        per_type[label] = {
            "kappa": cohen_kappa(a[:, j], b[:, j]),
            "f1": f1,
            "first": int(a[:, j].sum()),
            "second": int(b[:, j].sum()),
        }
    event_a, event_b = a.max(1), b.max(1)
    both = float((event_a * event_b).sum())
    return {
        "records": len(ids),
        "macro_f1": float(np.mean([v["f1"] for v in per_type.values() if v["f1"] is not None])),
        "event_vs_none_f1": 2 * both / max(event_a.sum() + event_b.sum(), 1),
        "exact_set_agreement": float((a == b).all(1).mean()),
        "per_type": per_type,
    }


def corpus_labels(events_dir: Path = EVENTS_DIR) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {}
    for name in FILES:
        labels |= read_labels(events_dir / name)
    return labels


def main() -> None:
    """Agreement on each doubly labelled sample, and on all of them together."""
    first, seconds = corpus_labels(), {}
    for name, path in SAMPLES.items():
        seconds[name] = read_labels(path)
        print(name, json.dumps(agreement(first, seconds[name], EVENT_TYPES), indent=2))
    every = {key: labels for second in seconds.values() for key, labels in second.items()}
    print("all samples", json.dumps(agreement(first, every, EVENT_TYPES), indent=2))


if __name__ == "__main__":
    main()
