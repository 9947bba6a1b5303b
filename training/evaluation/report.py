"""What the entity and event evaluation reports share: the files a harness writes, strict
JSON, Markdown cells, bar charts of scores with confidence intervals, the closing sections."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..data.files import write_jsonl

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


def finish_report(
    lines: list[str],
    metrics: dict[str, Any],
    names: Sequence[str],
    comparison: Callable[[dict[str, Any], Sequence[str]], list[str]],
    errors_note: str,
) -> str:
    """The report's Markdown: ``lines``, then the paired-bootstrap comparison (when there is
    one) and where the errors are listed."""
    if "paired_bootstrap" in metrics:
        lines = [
            *lines,
            f"## Comparison: {names[0]} − {names[1]} (paired bootstrap)",
            "",
            *comparison(metrics, names),
            "",
        ]
    return "\n".join([*lines, errors_note, ""])


def json_ready(value: Any) -> Any:
    """numpy values to Python numbers and lists, tuples to lists and NaN to ``None``,
    recursively: what ``metrics.json`` holds is strict JSON (the one normaliser of both
    harnesses)."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_outputs(
    out_dir: str | Path,
    metrics: dict[str, Any],
    render: Callable[[dict[str, Any]], str],
    plot: Callable[[dict[str, Any], Path], None],
    errors: Iterable[dict[str, Any]],
) -> None:
    """What every evaluation writes into ``out_dir``: ``metrics.json``, ``report.md`` (from
    ``render``), ``per_type_f1.png`` (from ``plot``) and ``errors.jsonl``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(
        json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "report.md").write_text(render(metrics), encoding="utf-8")
    plot(metrics, out / "per_type_f1.png")
    write_jsonl(out / "errors.jsonl", errors)


def display_names(metrics: dict[str, Any], roles: Sequence[str]) -> list[str]:
    """Display names of the systems in ``roles``, made distinct when two share one (two model
    directories of the same name)."""
    names = [metrics[role]["name"] for role in roles if role in metrics]
    if len(names) == 2 and names[0] == names[1]:
        names = [f"{names[0]} (A)", f"{names[1]} (B)"]
    return names


def ci_text(interval: Sequence[float] | None) -> str:
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "–"


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def speed(verb: str, seconds: float, per_second: float, unit: str) -> str:
    """How long a system took: ``"Tagging: 1.20 s (2161.7 sentences/s)."``."""
    return f"{verb}: {seconds:.2f} s ({per_second:.1f} {unit}/s)."


def confusion_lines(table: dict[str, dict[str, int]]) -> list[str]:
    """A Markdown confusion table: rows gold, columns predicted (``table[gold][predicted]``)."""
    columns = list(next(iter(table.values()), {}))
    lines = [
        "| gold \\ predicted | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for row, cells in table.items():
        lines.append(f"| {row} | " + " | ".join(str(cells[c]) for c in columns) + " |")
    return lines
