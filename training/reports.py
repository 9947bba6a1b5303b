"""What the entity and event evaluation reports share: bar charts of scores with confidence
intervals, and the closing Markdown sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# one bar series: (name, one value per group, one [low, high] interval per group or None)
Series = tuple[str, Sequence[float], Sequence[Sequence[float] | None]]


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display on servers and CI)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def grouped_bars(ax, groups: Sequence[str], series: Sequence[Series], label_size: int = 8) -> None:
    """Side-by-side bars per group, each with its interval as an error bar and its value."""
    width = 0.8 / len(series)
    for k, (name, values, intervals) in enumerate(series):
        low, high = [], []
        for value, interval in zip(values, intervals):
            lo, hi = interval if interval else (value, value)
            low.append(max(value - lo, 0.0))
            high.append(max(hi - value, 0.0))
        x = np.arange(len(groups)) + (k - (len(series) - 1) / 2) * width
        bars = ax.bar(x, values, width, yerr=[low, high], capsize=3, label=name)
        ax.bar_label(bars, fmt="%.2f", padding=2, fontsize=label_size)


def save(fig, path: str | Path, dpi: int = 120) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    pyplot().close(fig)


def closing_sections(
    metrics: dict[str, Any],
    names: Sequence[str],
    comparison: Callable[[dict[str, Any], Sequence[str]], list[str]],
    errors_note: str,
) -> list[str]:
    """The paired-bootstrap comparison (when there is one) and where the errors are listed."""
    lines = []
    if "paired_bootstrap" in metrics:
        lines += [
            f"## Comparison: {names[0]} − {names[1]} (paired bootstrap)",
            "",
            *comparison(metrics, names),
            "",
        ]
    return [*lines, errors_note, ""]
