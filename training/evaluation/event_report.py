"""The event-type evaluation's Markdown report and per-type charts (from ``metrics.json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import report
from .events import SCOPES, SOURCES
from .report import ci_text, display_names, number

ROLES = ("labeller", "compare")


def labeller_names(metrics: dict[str, Any]) -> list[str]:
    """Display names of the labellers, made distinct when two share one."""
    return display_names(metrics, ROLES)


def _scope_table(scores: dict[str, Any]) -> list[str]:
    ci = scores.get("ci", {})
    lines = [
        "| type | support | predicted | P | R | F1 | 95% CI (F1) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, row in scores["per_type"].items():
        f1 = row["f1"] if row["defined"] else None
        interval = ci.get("per_type", {}).get(label, {}).get("f1")
        lines.append(
            f"| {label} | {row['support']} | {row['predicted']} | {row['precision']:.3f} "
            f"| {row['recall']:.3f} | {number(f1)} "
            f"| {ci_text(interval) if f1 is not None else '–'} |"
        )
    micro, macro, event = scores["micro"], scores["macro"], scores["event_vs_none"]
    lines += [
        f"| **micro** | {micro['support']} | {micro['predicted']} | {micro['precision']:.3f} "
        f"| {micro['recall']:.3f} | **{micro['f1']:.3f}** "
        f"| {ci_text(ci.get('micro', {}).get('f1'))} |",
        f"| **macro** ({macro['n_types']} types) | | | {number(macro['precision'])} "
        f"| {number(macro['recall'])} | **{number(macro['f1'])}** "
        f"| {ci_text(ci.get('macro', {}).get('f1'))} |",
        f"| **event vs none** | {event['support']} | {event['predicted']} "
        f"| {event['precision']:.3f} | {event['recall']:.3f} | **{event['f1']:.3f}** "
        f"| {ci_text(ci.get('event_vs_none', {}).get('f1'))} |",
        "",
        f"Exact match (predicted set = gold set): {scores['exact_match']:.3f} "
        f"of {scores['n_records']} records.",
    ]
    return lines


def _comparison_lines(metrics: dict[str, Any], names: list[str]) -> list[str]:
    lines = [
        f"| scope | metric | {names[0]} | {names[1]} | difference | 95% CI "
        f"| p ({names[0]} ≤ {names[1]}) |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    for scope, paired in metrics["paired_bootstrap"].items():
        rows = [
            ("**macro F1**", paired["macro_f1"]),
            ("micro F1", paired["micro_f1"]),
            ("event vs none F1", paired["event_vs_none_f1"]),
        ]
        if scope == "overall":
            rows += [(f"F1 {label}", row) for label, row in paired["per_type_f1"].items()]
        for metric, row in rows:
            difference = "–" if row["difference"] is None else f"{row['difference']:+.3f}"
            p_value = "–" if row["p_value"] is None else f"{row['p_value']:.3f}"
            lines.append(
                f"| {scope} | {metric} | {number(row['a'])} | {number(row['b'])} "
                f"| {difference} | {ci_text(row['ci'])} | {p_value} |"
            )
    macro = metrics["paired_bootstrap"]["overall"]["macro_f1"]
    if macro["difference"] is not None and macro["p_value"] is not None:
        lines += [
            "",
            f"Overall macro-F1 {names[0]} − {names[1]}: {macro['difference']:+.4f} "
            f"(95% CI {ci_text(macro['ci'])}); {names[0]} is no better than {names[1]} in "
            f"{macro['p_value']:.1%} of {metrics['bootstrap']['n']} paired resamples of records.",
        ]
    return lines


def render_report(metrics: dict[str, Any]) -> str:
    """The Markdown report: per labeller one table per scope (overall, news items, KIND
    sentences) and the overall confusion table, then the paired comparison."""
    names = labeller_names(metrics)
    boot = metrics["bootstrap"]
    counts = metrics["n_records_per_scope"]
    lines = [
        f"# Event-type evaluation on {metrics['split']}",
        "",
        f"{metrics['n_records']} records: "
        + ", ".join(f"{counts[s]} {s}" for s in SOURCES if s in counts)
        + ". A type is predicted "
        "when its score reaches its threshold. Macro F1 averages the types whose F1 is defined "
        "(present in gold or predicted; `–` marks the others); event vs none scores "
        '"at least one type" per record. 95% percentile bootstrap intervals over records '
        f"({boot['n']} resamples, seed {boot['seed']}).",
        "",
    ]
    for role, name in zip(("labeller", "compare"), names):
        result = metrics[role]
        thresholds = ", ".join(f"{k} {v:g}" for k, v in result["thresholds"].items())
        timings = result["timings"]
        lines += [f"## {name}", "", f"Thresholds: {thresholds}.", ""]
        for scope in SCOPES:
            if scope in result:
                lines += [
                    f"### {scope} ({result[scope]['n_records']} records)",
                    "",
                    *_scope_table(result[scope]),
                    "",
                ]
        lines += [
            "### confusion (overall)",
            "",
            "Records with gold type *row* whose predicted set contains *column*; `none` "
            "column: nothing predicted; `none` row: records with no gold event.",
            "",
            *report.confusion_lines(result["overall"]["confusion"]),
            "",
            report.speed(
                "Labelling", timings["label_seconds"], timings["records_per_second"], "records"
            )
            + f" {result['n_errors']} records with a predicted set different from gold.",
            "",
        ]
    note = "Every record whose predicted set differs from gold is listed in `errors.jsonl`."
    return report.finish_report(lines, metrics, names, _comparison_lines, note)


def plot_per_type_f1(metrics: dict[str, Any], path: str | Path) -> None:
    """F1 per type, micro, macro and event vs none with 95% intervals, one panel per scope,
    labellers side by side."""
    roles = [role for role in ("labeller", "compare") if role in metrics]
    scopes = [scope for scope in SCOPES if scope in metrics[roles[0]]]
    groups = [*metrics["labels"], "micro", "macro", "event_vs_none"]
    fig, axes = report.pyplot().subplots(
        len(scopes), 1, figsize=(2 + 1.25 * len(groups), 3.2 * len(scopes)), squeeze=False
    )
    for ax, scope in zip(axes[:, 0], scopes):
        series = [
            (name, *_f1_and_intervals(metrics[role][scope], groups))
            for role, name in zip(roles, labeller_names(metrics))
        ]
        report.grouped_bars(ax, groups, series, label_size=7)
        ax.set_xticks(np.arange(len(groups)), [g.replace("_", "\n") for g in groups], fontsize=8)
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("F1")
        ax.set_title(f"{scope} ({metrics[roles[0]][scope]['n_records']} records)", fontsize=10)
    axes[0, 0].legend(loc="upper right", fontsize=8)
    fig.suptitle(f"Event-type F1 on {metrics['split']} (95% bootstrap CI)")
    report.save(fig, path, dpi=110)


def _f1_and_intervals(scores: dict[str, Any], groups: list[str]) -> tuple[list, list]:
    """F1 (0 where undefined) and its interval for each type or average in ``groups``."""
    ci = scores.get("ci", {})
    values, intervals = [], []
    for group in groups:
        if group in scores["per_type"]:
            row = scores["per_type"][group]
            values.append(row["f1"] if row["defined"] else 0.0)
            intervals.append(ci.get("per_type", {}).get(group, {}).get("f1"))
        else:
            values.append(scores[group]["f1"] or 0.0)
            intervals.append(ci.get(group, {}).get("f1"))
    return values, intervals
