"""Inter-annotator agreement on the event corpus: a sample labelled twice, independently.

``data/events/agreement/second-annotation.jsonl`` holds a second annotator's labels for a
seeded random sample of the corpus (drawn from the round-two batches, read by annotators who
saw neither the first labels nor each other's). Agreement is reported per type as Cohen's
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
        both = float((a[:, j] * b[:, j]).sum())
        f1 = 2 * both / max(a[:, j].sum() + b[:, j].sum(), 1)
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
        "macro_f1": float(np.mean([v["f1"] for v in per_type.values()])),
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
    result = agreement(corpus_labels(), read_labels(SECOND), EVENT_TYPES)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
