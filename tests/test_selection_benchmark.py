"""The selection benchmark's simulation (benchmarks/selection_benchmark.py) on a fake learner:
what it hands the annotator, and how it reads the curves."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "selection_benchmark", ROOT / "benchmarks" / "selection_benchmark.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


class FakeLearner:
    """Unsure (score at the threshold) about texts with 'dubbio', sure about the rest."""

    def __init__(self):
        self.thresholds = {"battle": 0.5}
        self.fitted: list[int] = []

    def fit(self, train, dev):
        self.fitted.append(len(train))
        return self

    def event_scores(self, texts, batch_size=32):
        return [{"battle": 0.5 if "dubbio" in t else 0.99} for t in texts]


def _record(i: int, text: str):
    return SimpleNamespace(id=f"r{i}", text=text, events=())


@pytest.fixture
def splits():
    pool = [_record(i, f"notizia certa numero {i} " * 3) for i in range(40)]
    pool += [
        _record(100 + i, "caso dubbio " + " ".join(str(i * 7919 + k * 104729) for k in range(6)))
        for i in range(10)
    ]
    pool.append(_record(200, pool[-1].text))  # an exact copy of an unsure record
    return {"train": pool, "dev": [], "test": [_record(999, "prova")]}


def test_uncertainty_takes_the_unsure_records_first_and_skips_the_copy(splits, monkeypatch):
    monkeypatch.setattr(bench, "test_macro", lambda learner, test: 0.5)
    learner = FakeLearner()
    curve = bench.run_arm("uncertainty", 1, learner, splits, seed_size=5, step=10, budget=25)
    assert [n for n, _ in curve] == [5, 15, 25]
    assert learner.fitted == [5, 15, 25]
    chosen = bench.uncertain(learner, splits["train"], list(range(len(splits["train"]))), 10)
    assert len(chosen) == 10
    # eleven unsure records, one the copy of another: the ten distinct ones, never both copies
    assert all("dubbio" in splits["train"][i].text for i in chosen)
    copies = {len(splits["train"]) - 2, len(splits["train"]) - 1}
    assert len(copies & set(chosen)) == 1


def test_random_arm_never_repeats_a_record(splits, monkeypatch):
    seen = []
    monkeypatch.setattr(bench, "test_macro", lambda learner, test: 0.0)
    learner = FakeLearner()
    learner.fit = lambda train, dev: seen.append([r.id for r in train])
    bench.run_arm("random", 3, learner, splits, seed_size=4, step=7, budget=18)
    assert [len(ids) for ids in seen] == [4, 11, 18]
    assert len(set(seen[-1])) == 18
    assert seen[1][:4] == seen[0]  # the seed set stays, rounds add to it


def test_budget_to_reach_interpolates_and_says_none_when_never_reached():
    curve = [(200, 0.30), (400, 0.40), (600, 0.50)]
    assert bench.budget_to_reach(curve, 0.45) == pytest.approx(500.0)
    assert bench.budget_to_reach(curve, 0.30) == 200.0
    assert bench.budget_to_reach(curve, 0.50) == pytest.approx(600.0)
    assert bench.budget_to_reach(curve, 0.51) is None


def test_mean_curve_averages_seeds_point_by_point():
    runs = [[(200, 0.2), (400, 0.4)], [(200, 0.4), (400, 0.6)]]
    assert bench.mean_curve(runs) == [(200, pytest.approx(0.3)), (400, pytest.approx(0.5))]
