"""The event-type harness against scores computed by hand, and its files and command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from cronaca.inference.labels import EVENT_TYPES
from cronaca.inference.protocols import EventLabeller
from cronaca.inference.words import word_spans
from cronaca.training.cli import add_evaluate_events_arguments
from cronaca.training.data.records import Sentence
from cronaca.training.evaluation import event_harness as harness
from cronaca.training.evaluation.event_harness import (
    evaluate_events,
    evaluate_events_command,
    load_labeller,
    resolve_thresholds,
)
from cronaca.training.evaluation.events import (
    bootstrap_events,
    confusion_table,
    paired_bootstrap_events,
    score_events,
)

B, E, V, P, R, S = EVENT_TYPES  # battle, explosion…, violence…, protest, riot, strategic…

# Seven records. Per type (support = records with it in gold, predicted = records with it
# predicted, tp = both):
GOLD = [{B}, {B, P}, set(), {R}, set(), set(), {E}]
PRED = [{B}, {P}, {R}, set(), set(), {S}, set()]
#   battle:      support 2 (records 0, 1), predicted 1 (0), tp 1 -> P 1, R 1/2, F1 2/3
#   explosion:   support 1 (6), predicted 0,       tp 0 -> P 0 (0/0), R 0, F1 0   (defined)
#   violence:    support 0, predicted 0                  -> F1 0/0: undefined, not averaged
#   protest:     support 1 (1), predicted 1 (1), tp 1 -> P 1, R 1, F1 1
#   riot:        support 1 (3), predicted 1 (2), tp 0 -> P 0, R 0, F1 0
#   strategic:   support 0, predicted 1 (5), tp 0     -> P 0, R 0 (0/0), F1 0     (defined)
#   micro: tp 1+1 = 2, predicted 1+1+1+1 = 4, gold 2+1+1+1 = 5
#          -> P 2/4 = 1/2, R 2/5, F1 2·(1/2)(2/5)/(1/2+2/5) = (2/5)/(9/10) = 4/9
#   macro over the 5 defined types: (2/3 + 0 + 1 + 0 + 0) / 5 = (5/3)/5 = 1/3
#         (precision (1+0+1+0+0)/5 = 2/5, recall (1/2+0+1+0+0)/5 = 3/10)
#   event vs none: gold events in records 0, 1, 3, 6 (4); predicted in 0, 1, 2, 5 (4);
#         both in 0, 1 -> tp 2, P 2/4, R 2/4, F1 1/2
#   exact match: records 0 and 4 -> 2/7


def test_scores_match_the_hand_computation():
    s = score_events(GOLD, PRED)
    per_type = s["per_type"]
    assert per_type[B]["precision"] == 1 and per_type[B]["recall"] == pytest.approx(1 / 2)
    assert per_type[B]["f1"] == pytest.approx(2 / 3)
    assert (per_type[B]["support"], per_type[B]["predicted"], per_type[B]["true_positives"]) == (
        2,
        1,
        1,
    )
    assert per_type[P]["f1"] == 1.0 and per_type[R]["f1"] == 0.0
    assert per_type[E] == {**per_type[E], "f1": 0.0, "support": 1, "predicted": 0}
    assert per_type[S] == {**per_type[S], "f1": 0.0, "support": 0, "predicted": 1}
    assert [per_type[t]["defined"] for t in EVENT_TYPES] == [True, True, False, True, True, True]
    assert s["micro"]["precision"] == pytest.approx(1 / 2)
    assert s["micro"]["recall"] == pytest.approx(2 / 5)
    assert s["micro"]["f1"] == pytest.approx(4 / 9)
    assert (s["micro"]["support"], s["micro"]["predicted"]) == (5, 4)
    assert s["macro"]["f1"] == pytest.approx(1 / 3) and s["macro"]["n_types"] == 5
    assert s["macro"]["precision"] == pytest.approx(2 / 5)
    assert s["macro"]["recall"] == pytest.approx(3 / 10)
    assert s["event_vs_none"]["precision"] == pytest.approx(1 / 2)
    assert s["event_vs_none"]["recall"] == pytest.approx(1 / 2)
    assert s["event_vs_none"]["f1"] == pytest.approx(1 / 2)
    assert (s["event_vs_none"]["support"], s["event_vs_none"]["predicted"]) == (4, 4)
    assert s["exact_match"] == pytest.approx(2 / 7)
    json.dumps(s, allow_nan=False)  # plain JSON, no numpy, no NaN


def test_confusion_table_counts_records_per_gold_and_predicted_type():
    table = confusion_table(GOLD, PRED)
    assert set(table) == {*EVENT_TYPES, "none"}
    zero = dict.fromkeys((*EVENT_TYPES, "none"), 0)
    # battle in gold twice: record 0 predicted {battle}, record 1 predicted {protest}
    assert table[B] == {**zero, B: 1, P: 1}
    assert table[P] == {**zero, P: 1}  # record 1
    assert table[R] == {**zero, "none": 1}  # record 3: nothing predicted
    assert table[E] == {**zero, "none": 1}  # record 6
    assert table[V] == zero
    # no gold event: record 2 got riot, record 4 nothing, record 5 strategic_development
    assert table["none"] == {**zero, R: 1, "none": 1, S: 1}
    assert score_events(GOLD, PRED)["confusion"] == table


def test_macro_leaves_out_types_neither_in_gold_nor_predicted():
    # one defined type, found: macro is 1 (not 1/6, as averaging zeros for absent types gives)
    s = score_events([{P}, set()], [{P}, set()])
    assert s["macro"]["f1"] == 1.0 and s["macro"]["n_types"] == 1
    # predicting a type that never occurs makes it count, with F1 0: (1 + 0) / 2
    s = score_events([{P}, set()], [{P}, {S}])
    assert s["macro"]["f1"] == pytest.approx(1 / 2) and s["macro"]["n_types"] == 2
    # nothing anywhere: macro undefined (None in JSON); micro and event-vs-none are 0
    s = score_events([set(), set()], [set(), set()])
    assert s["macro"]["f1"] is None and s["macro"]["n_types"] == 0
    assert s["micro"]["f1"] == 0.0 and s["event_vs_none"]["f1"] == 0.0
    assert s["exact_match"] == 1.0


def test_unknown_labels_and_length_mismatch_are_errors():
    with pytest.raises(ValueError, match="unknown event type"):
        score_events([{"war"}], [set()])
    with pytest.raises(ValueError, match="2 gold sets but 1"):
        score_events([set(), set()], [set()])


def test_bootstrap_is_deterministic_and_matches_a_naive_loop():
    gold, pred = GOLD * 6, PRED * 6
    a = bootstrap_events(gold, pred, n=300, seed=7)
    assert a == bootstrap_events(gold, pred, n=300, seed=7)
    assert a != bootstrap_events(gold, pred, n=300, seed=8)
    point = score_events(gold, pred)
    for metric in ("micro", "macro", "event_vs_none"):
        low, high = a[metric]["f1"]
        assert low <= point[metric]["f1"] <= high
    # the same resamples drawn one by one (the harness draws one chunk: rng.integers(0, n, (300,
    # n))) and scored with score_events give the same intervals
    draws = np.random.default_rng(7).integers(0, len(gold), size=(300, len(gold)))
    naive = {"micro": [], "macro": [], "event_vs_none": []}
    for indices in draws:
        s = score_events([gold[i] for i in indices], [pred[i] for i in indices])
        for metric in naive:
            if s[metric]["f1"] is not None:
                naive[metric].append(s[metric]["f1"])
    for metric, values in naive.items():
        assert a[metric]["f1"] == pytest.approx(list(np.percentile(values, [2.5, 97.5])))
    # the violence type is undefined in every resample: no interval
    assert a["per_type"][V]["f1"] is None


def test_paired_bootstrap_of_a_labeller_against_itself_is_zero():
    result = paired_bootstrap_events(GOLD * 4, PRED * 4, PRED * 4, n=200, seed=1)
    for key in ("macro_f1", "micro_f1", "event_vs_none_f1"):
        assert result[key]["difference"] == 0.0
        assert result[key]["ci"] == [0.0, 0.0]
        assert result[key]["p_value"] == 1.0  # a <= b in every resample
    assert result["per_type_f1"][B]["difference"] == 0.0
    assert result["per_type_f1"][V]["difference"] is None  # undefined for both


def test_paired_bootstrap_finds_the_better_labeller():
    gold = GOLD * 10
    result = paired_bootstrap_events(gold, gold, PRED * 10, n=300, seed=2)
    macro = result["macro_f1"]
    # perfect: macro over its 4 defined types = 1; the other: 1/3 (its 5 defined types)
    assert macro["a"] == 1.0 and macro["b"] == pytest.approx(1 / 3)
    assert macro["difference"] == pytest.approx(2 / 3)
    assert macro["ci"][0] > 0 and macro["p_value"] < 0.01


class Fixed:
    """An EventLabeller answering fixed scores per text; counts its calls."""

    def __init__(self, name, answers, thresholds=None):
        self.name, self.labels, self.answers, self.calls = name, list(EVENT_TYPES), answers, 0
        self.thresholds = thresholds if thresholds is not None else dict.fromkeys(EVENT_TYPES, 0.5)

    def event_scores(self, texts, batch_size=32):
        self.calls += 1
        return [dict(self.answers[text]) for text in texts]


def record(rid: str, text: str, events, note: str = "") -> Sentence:
    spans = word_spans(text)
    return Sentence(
        rid,
        text,
        tuple(text[s:e] for s, e in spans),
        tuple(spans),
        None,
        events=None if events is None else tuple(events),
        meta={"split": "dev", "note": note},
    )


RECORDS = [
    record("nib-1", "Raid aerei su Gaza.", [E]),
    record("nib-2", "Migliaia in corteo a Roma.", [P]),
    record("nib-3", "Il sindaco ha parlato.", []),
    record("WN_dev:1", "Scontri tra manifestanti e polizia.", [R], note="clash"),
    record("WN_dev:2", "Una frase senza etichette.", None),  # not annotated: left out
]
ANSWERS = {
    "Raid aerei su Gaza.": {E: 0.9},
    "Migliaia in corteo a Roma.": {P: 0.4},  # below 0.5: not predicted
    "Il sindaco ha parlato.": {S: 0.7},  # a false positive
    "Scontri tra manifestanti e polizia.": {R: 0.8, P: 0.6},  # riot right, protest wrong
    "Una frase senza etichette.": {},
}


def test_thresholds_come_from_the_argument_the_labeller_or_default():
    assert resolve_thresholds(Fixed("x", {})) == dict.fromkeys(EVENT_TYPES, 0.5)
    own = Fixed("x", {}, thresholds={P: 0.3})
    assert resolve_thresholds(own)[P] == 0.3 and resolve_thresholds(own)[R] == 0.5
    assert resolve_thresholds(own, {R: 0.9})[R] == 0.9
    assert resolve_thresholds(own, 0.2) == dict.fromkeys(EVENT_TYPES, 0.2)
    with pytest.raises(ValueError, match="unknown event types"):
        resolve_thresholds(own, {"war": 0.5})


def test_evaluate_events_writes_the_four_files_and_every_error(tmp_path: Path):
    labeller = Fixed("fixed", ANSWERS)
    perfect = Fixed("perfect", {r.text: dict.fromkeys(r.events or (), 1.0) for r in RECORDS})
    assert isinstance(labeller, EventLabeller)
    metrics = evaluate_events(
        labeller, RECORDS, tmp_path, perfect, n_bootstrap=50, batch_size=2, show_progress=False
    )
    assert labeller.calls == 2  # 4 annotated records in batches of 2
    names = {"metrics.json", "report.md", "per_type_f1.png", "errors.jsonl"}
    assert {p.name for p in tmp_path.iterdir()} == names
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved == metrics
    assert saved["split"] == "dev" and saved["n_records"] == 4
    assert saved["n_unlabelled_left_out"] == 1
    assert saved["n_records_per_scope"] == {"overall": 4, "news-in-brief": 3, "kind-wikinews": 1}
    overall = saved["labeller"]["overall"]
    # predicted: {E}, {}, {S}, {R, P}; gold: {E}, {P}, {}, {R}
    # micro: tp 2 (E, R), predicted 4, gold 3 -> P 1/2, R 2/3, F1 4/7
    assert overall["micro"]["f1"] == pytest.approx(4 / 7)
    assert saved["labeller"]["news-in-brief"]["n_records"] == 3
    assert saved["labeller"]["kind-wikinews"]["per_type"][R]["f1"] == 1.0
    assert set(overall["ci"]) >= {"micro", "macro", "event_vs_none", "per_type"}
    assert saved["labeller"]["n_errors"] == 3 and saved["compare"]["n_errors"] == 0
    paired = saved["paired_bootstrap"]
    assert set(paired) == {"overall", "news-in-brief", "kind-wikinews"}
    assert paired["overall"]["macro_f1"]["difference"] < 0
    report = (tmp_path / "report.md").read_text()
    assert "## fixed" in report and "### kind-wikinews (1 records)" in report
    assert "paired bootstrap" in report and "| **event vs none** |" in report

    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    # the three records whose predicted set differs from gold, all from "fixed"
    assert [(e["labeller"], e["id"]) for e in errors] == [
        ("fixed", "nib-2"),
        ("fixed", "nib-3"),
        ("fixed", "WN_dev:1"),
    ]
    last = errors[-1]
    assert last["gold"] == [R] and last["predicted"] == [P, R]
    assert last["false_positives"] == [P] and last["false_negatives"] == []
    assert last["scores"] == {R: 0.8, P: 0.6} and last["note"] == "clash"
    assert last["text"] == "Scontri tra manifestanti e polizia."
    assert last["source"] == "kind-wikinews"
    assert errors[0]["false_negatives"] == [P] and errors[0]["scores"] == {P: 0.4}


def test_a_threshold_argument_changes_the_predicted_sets(tmp_path: Path):
    labeller = Fixed("fixed", ANSWERS)
    metrics = evaluate_events(
        labeller, RECORDS, tmp_path, thresholds=0.3, n_bootstrap=0, show_progress=False
    )
    # at 0.3 the protest record is found: predicted {E}, {P}, {S}, {R, P}
    assert metrics["labeller"]["thresholds"] == dict.fromkeys(EVENT_TYPES, 0.3)
    assert metrics["labeller"]["overall"]["per_type"][P]["true_positives"] == 1
    assert metrics["labeller"]["n_errors"] == 2


def test_the_keyword_labeller_explains_its_errors(tmp_path: Path):
    from cronaca.training.baselines.keywords import KeywordEventLabeller

    records = [
        *RECORDS,
        record("nib-9", "Raid aerei su Gaza.", [V]),  # gold says violence: a FP and a FN
    ]
    metrics = evaluate_events(
        KeywordEventLabeller(), records, tmp_path, n_bootstrap=20, show_progress=False
    )
    assert metrics["labeller"]["n_errors"] == 1  # the four records of RECORDS are right
    (error,) = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert error["id"] == "nib-9" and error["false_positives"] == [E]
    assert error["evidence"] == [{"type": E, "text": "Raid", "start": 0, "end": 4}]


def test_evaluate_events_command(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(harness, "load_split", lambda split, *_: RECORDS)
    parser = argparse.ArgumentParser()
    add_evaluate_events_arguments(parser)
    defaults = parser.parse_args([])
    assert (defaults.split, defaults.labeller, defaults.compare) == ("dev", "keywords", None)
    assert defaults.bootstrap == 1000
    args = parser.parse_args(
        ["--labeller", "keywords", "--compare", "keywords", "--out", str(tmp_path / "out")]
        + ["--bootstrap", "20"]
    )
    assert evaluate_events_command(args) == 0
    out = capsys.readouterr().out
    assert "keywords (A) on dev overall (4): macro-F1" in out and "difference +0.0000" in out
    assert (tmp_path / "out" / "per_type_f1.png").is_file()
    with pytest.raises(SystemExit):
        parser.parse_args(["--split", "validation"])
    args = parser.parse_args(["--labeller", str(tmp_path / "missing")])
    assert evaluate_events_command(args) == 2
    assert "neither 'keywords' nor a model directory" in capsys.readouterr().err


def test_a_model_directory_is_loaded_lazily_through_model_event_labeller(tmp_path, monkeypatch):
    calls = []

    class FakeModelEventLabeller:
        @classmethod
        def from_pretrained(cls, path, **options):
            calls.append((Path(path), options))
            return Fixed(Path(path).name, {})

    fake = types.ModuleType("cronaca.inference.event_labeller")
    fake.ModelEventLabeller = FakeModelEventLabeller
    monkeypatch.setitem(sys.modules, "cronaca.inference.event_labeller", fake)
    assert load_labeller(str(tmp_path)).name == tmp_path.name
    load_labeller(str(tmp_path), device="cpu")
    fp32 = {"precision": "fp32"}  # scored in float32 on every machine
    assert calls == [(tmp_path, {"device": "auto", **fp32}), (tmp_path, {"device": "cpu", **fp32})]


def test_the_module_imports_without_model_code():
    code = (
        "import sys; import cronaca.training.evaluation.event_harness, "
        "cronaca.training.baselines.keywords, cronaca.training.baselines.gazetteer; "
        "assert 'cronaca.inference.event_labeller' not in sys.modules; "
        "assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
