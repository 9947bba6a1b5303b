"""From event-type scores to labels: the one rule every labeller's scores go through.

Labellers return every type's score (rules, the frozen floor and models alike); :func:`decide`
alone turns a unit's scores into labels, with per-type thresholds resolved by
:func:`resolve_thresholds` (a caller's override, else the labeller's own, else 0.5). Light on
purpose: the evaluation harness imports it without loading any model code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

DEFAULT_THRESHOLD = 0.5


def decide(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> dict[str, float]:
    """The predicted types of one unit: ``{type: score}`` where score >= its threshold."""
    unknown = set(scores) - set(thresholds)
    if unknown:
        raise ValueError(f"no threshold for event types {sorted(unknown)}")
    return {label: score for label, score in scores.items() if score >= thresholds[label]}


def resolve_thresholds(
    labels: Sequence[str],
    own: Mapping[str, float] | None = None,
    override: float | Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Per-type thresholds: ``override`` (one number for every type, or a mapping over the
    rest) over a labeller's ``own``, over 0.5."""
    resolved = dict.fromkeys(labels, DEFAULT_THRESHOLD) | dict(own or {})
    if isinstance(override, int | float):
        return dict.fromkeys(labels, float(override))
    unknown = set(override or {}) - set(labels)
    if unknown:
        raise ValueError(f"thresholds for unknown event types {sorted(unknown)}")
    return resolved | {label: float(v) for label, v in (override or {}).items()}
