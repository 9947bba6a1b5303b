"""The entity evaluation's Markdown report and per-type chart (from ``metrics.json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import report
from .entities import MODES
from .report import ci_text, display_names

ROLES = ("tagger", "compare")


def _names(metrics: dict[str, Any]) -> list[str]:
    return display_names(metrics, ROLES)


def _tagger_table(result: dict[str, Any]) -> list[str]:
    strict, lenient, ci = result["strict"], result["lenient"], result["ci"]["strict"]
    lines = [
        "| type | support | P strict | R strict | F1 strict | 95% CI (strict F1) "
        "| P lenient | R lenient | F1 lenient | 95% CI (lenient F1) |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    types = sorted(set(strict["per_type"]) | set(lenient["per_type"]))
    rows = [(t, strict["per_type"].get(t), lenient["per_type"].get(t)) for t in types]
    rows += [("**micro**", strict["micro"], lenient["micro"])]
    rows += [("**macro**", strict["macro"], lenient["macro"])]
    for name, s, le in rows:
        key = name.strip("*")
        s = s or {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        le = le or {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        interval = (ci.get("per_type", {}).get(key) or ci.get(key) or {}).get("f1")
        lenient_ci = result["ci"]["lenient"]
        lenient_interval = (
            lenient_ci.get("per_type", {}).get(key) or lenient_ci.get(key) or {}
        ).get("f1")
        support = s.get("support", le.get("support", ""))
        lines.append(
            f"| {name} | {support} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {ci_text(interval)} | {le['precision']:.3f} | {le['recall']:.3f} | {le['f1']:.3f} "
            f"| {ci_text(lenient_interval)} |"
        )
    return lines


def _comparison_table(metrics: dict[str, Any], names: list[str]) -> list[str]:
    lines = []
    for mode in MODES:
        paired = metrics["paired_bootstrap"][mode]
        lines += [
            f"### {mode}",
            "",
            f"| type | F1 {names[0]} | F1 {names[1]} | difference | 95% CI "
            f"| p ({names[0]} ≤ {names[1]}) |",
            "|---|---:|---:|---:|---|---:|",
        ]
        rows = [*paired["per_type_f1"].items(), ("**micro**", paired["micro_f1"])]
        for name, row in rows:
            lines.append(
                f"| {name} | {row['a']:.3f} | {row['b']:.3f} | {row['difference']:+.3f} "
                f"| {ci_text(row['ci'])} | {row['p_value']:.3f} |"
            )
        lines.append("")
    micro = metrics["paired_bootstrap"]["strict"]["micro_f1"]
    lines.append(
        f"Strict micro-F1 {names[0]} − {names[1]}: {micro['difference']:+.4f} "
        f"(95% CI {ci_text(micro['ci'])}); {names[0]} is no better than {names[1]} in "
        f"{micro['p_value']:.1%} of {metrics['bootstrap']['n']} paired resamples of sentences."
    )
    return lines


def render_report(metrics: dict[str, Any]) -> str:
    """The Markdown report: one table per tagger, then the comparison when there is one."""
    names = _names(metrics)
    boot = metrics["bootstrap"]
    lines = [
        f"# Entity evaluation on {metrics['split']}",
        "",
        f"{metrics['n_sentences']} sentences, {metrics['n_words']} words. seqeval entity-level "
        "scores: **strict** IOB2 (the headline) and seqeval's **lenient** default mode. "
        f"95% percentile bootstrap intervals over sentences ({boot['n']} resamples, "
        f"seed {boot['seed']}).",
        "",
    ]
    for role, name in zip(("tagger", "compare"), names):
        result = metrics[role]
        timings = result["timings"]
        lines += [
            f"## {name}",
            "",
            *_tagger_table(result),
            "",
            "Strict spans, gold type (rows) against predicted type (columns); `none`: missed "
            "or spurious.",
            "",
            *report.confusion_lines(result.get("type_confusion", {})),
            "",
            report.speed(
                "Tagging", timings["tag_seconds"], timings["sentences_per_second"], "sentences"
            ),
            "",
        ]
    note = "Every strict false positive and false negative span is listed in `errors.jsonl`."
    return report.finish_report(lines, metrics, names, _comparison_table, note)


def plot_per_type_f1(metrics: dict[str, Any], path: str | Path) -> None:
    """Strict F1 per type and micro, with 95% intervals; taggers side by side."""
    roles = [role for role in ("tagger", "compare") if role in metrics]
    types = sorted({t for role in roles for t in metrics[role]["strict"]["per_type"]})
    groups = [*types, "micro"]
    series = []
    for role, name in zip(roles, _names(metrics)):
        scores, ci = metrics[role]["strict"], metrics[role]["ci"]["strict"]
        values = [scores["per_type"].get(t, {"f1": 0.0})["f1"] for t in types]
        intervals = [ci.get("per_type", {}).get(t, {}).get("f1") for t in types]
        series.append(
            (name, [*values, scores["micro"]["f1"]], [*intervals, ci.get("micro", {}).get("f1")])
        )
    fig, ax = report.pyplot().subplots(figsize=(1.6 + 1.3 * len(groups), 4))
    report.grouped_bars(ax, groups, series)
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1 (strict IOB2)")
    ax.set_title(f"Entity F1 per type on {metrics['split']} (95% bootstrap CI)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(roles), frameon=False)
    report.save(fig, path)
