"""Event-type scoring checked against hand-computed numbers, and the keyword baseline."""

import json

import pytest

from cronaca.training.event_scores import evaluate_events, score_events
from cronaca.training.keywords import KeywordEventLabeller

GOLD = [{"battle"}, {"battle", "protest"}, set(), {"riot"}]
PRED = [{"battle"}, {"protest"}, {"riot"}, set()]


def test_scores_match_hand_computation():
    s = score_events(GOLD, PRED, n_bootstrap=50)
    # battle: gold 2, pred 1, tp 1 -> P 1, R 0.5, F1 2/3
    assert s["per_type"]["battle"]["f1"] == pytest.approx(2 / 3)
    # protest: gold 1, pred 1, tp 1 -> F1 1; riot: gold 1, pred 1, tp 0 -> F1 0
    assert s["per_type"]["protest"]["f1"] == 1.0 and s["per_type"]["riot"]["f1"] == 0.0
    # micro over all types: tp 2, pred 3, gold 4 -> P 2/3, R 1/2, F1 4/7
    assert s["micro"]["f1"] == pytest.approx(4 / 7)
    # macro over the six types: types with no gold and no prediction score 0 and still count
    assert s["macro"]["f1"] == pytest.approx((2 / 3 + 1 + 0) / 6)
    # event vs none: gold events in records 0,1,3; predicted in 0,1,2 -> tp 2, P 2/3, R 2/3
    assert s["event_vs_none"]["f1"] == pytest.approx(2 / 3)
    # confusion: the riot record was predicted with nothing; battle records got battle, protest
    assert s["confusion"]["riot"]["none"] == 1
    assert s["confusion"]["battle"] == {
        **{t: 0 for t in s["confusion"]["battle"]},
        "battle": 1,
        "protest": 1,
    }


def test_bootstrap_is_deterministic_and_contains_the_estimate():
    a, b = score_events(GOLD * 5, PRED * 5, 200, seed=3), score_events(GOLD * 5, PRED * 5, 200, 3)
    assert a["ci"] == b["ci"]
    low, high = a["ci"]["micro"]["f1"]
    assert low <= a["micro"]["f1"] <= high


def test_keyword_cues_fire_and_negation_or_hypothesis_suppress_them():
    labeller = KeywordEventLabeller()
    texts = [
        "Raid aerei su Gaza, bombardamenti nella notte.",
        "Non ci sono stati bombardamenti nella notte.",
        "Mosca potrebbe lanciare nuovi missili.",
        "Migliaia di manifestanti in corteo a Roma.",
    ]
    scores = labeller.event_scores(texts)
    assert "explosion_remote_violence" in scores[0]
    assert scores[1] == {} and scores[2] == {}
    assert "protest" in scores[3]


def test_evaluate_events_writes_reports_and_every_error(tmp_path):
    from cronaca.inference.words import word_spans
    from cronaca.training.corpora import Sentence

    texts = [
        "Raid aerei su Gaza.",
        "Migliaia in corteo a Roma.",
        "Il sindaco ha parlato.",
        "Scontri tra manifestanti e polizia a Tbilisi.",  # riot; "manifestanti" also cues protest
    ]
    gold = [("explosion_remote_violence",), ("protest",), (), ("riot",)]
    records = [
        Sentence(
            f"nib-{i}",
            t,
            tuple(t[s:e] for s, e in word_spans(t)),
            tuple(word_spans(t)),
            None,
            events=g,
            meta={"split": "test"},
        )
        for i, (t, g) in enumerate(zip(texts, gold))
    ]
    metrics = evaluate_events(
        KeywordEventLabeller(), records, tmp_path, KeywordEventLabeller(), n_bootstrap=20
    )
    assert {p.name for p in tmp_path.iterdir()} == {"metrics.json", "report.md", "errors.jsonl"}
    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    # each labeller (the same rules twice) lists its one wrong record, nothing else
    assert [(r["labeller"], r["id"]) for r in errors] == [("keywords", "nib-3")] * 2
    assert errors[0]["predicted"] == ["protest", "riot"] and errors[0]["gold"] == ["riot"]
    assert metrics["paired_bootstrap"]["macro_f1"]["difference"] == 0.0
