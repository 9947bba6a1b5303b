"""The stand-off event corpus resolves to its source texts, and never touches WN_test."""

import json
from pathlib import Path

import pytest

from cronaca.training.data.corpora import shared_data_dir
from cronaca.training.data.event_corpus import (
    EVENTS_DIR,
    FILES,
    KIND_FILE,
    WIKINEURAL_FILE,
    load_event_corpus,
)
from cronaca.training.data.news import read_standoff_events
from cronaca.training.data.records import CorpusError

pytestmark = pytest.mark.skipif(
    not (shared_data_dir() / "news-in-brief-it").is_dir(), reason="needs ../shared/data"
)


@pytest.fixture(scope="module")
def records():
    return load_event_corpus()


def test_every_record_resolves_with_its_hash(records):
    # the loader checks each record's sha256 against its source text, or raises
    lines = sum(1 for name in FILES for _ in open(EVENTS_DIR / name))
    assert len(records) == lines >= 8000
    assert {r.meta["source"] for r in records} == {
        "news-in-brief",
        "kind-wikinews",
        "kind-fic-adg",
        "wikineural",
    }
    assert sum(1 for r in records if not r.events) >= 500
    assert all(r.meta["split"] in ("train", "dev", "test") for r in records)


def test_no_record_comes_from_the_held_out_benchmarks(records):
    assert not any(r.id.startswith(("WN_test:", "test:")) for r in records)
    for name in FILES:
        raw = (EVENTS_DIR / name).read_text()
        assert '"WN_test:' not in raw and '"test:' not in raw


@pytest.mark.parametrize("held_out", ["WN_test:12", "test:7"])
def test_the_loader_refuses_held_out_ids(tmp_path, held_out):
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"id": held_out, "labels": [], "sha256": "0" * 16}) + "\n")
    with pytest.raises(CorpusError, match="held-out"):
        read_standoff_events(path, {})


def test_wikineural_records_come_from_val_only(records):
    wiki = [r for r in records if r.meta["source"] == "wikineural"]
    assert wiki and all(r.id.startswith("val:") for r in wiki)
    assert len(wiki) == sum(1 for _ in open(EVENTS_DIR / WIKINEURAL_FILE))


def test_news_splits_follow_dates(records):
    for record in records:
        if record.id.startswith("nib-"):
            date, split = record.meta["date"], record.meta["split"]
            assert split == (
                "test" if date >= "2026-01-24" else "dev" if date >= "2026-01-17" else "train"
            )


def test_a_changed_source_text_is_detected(tmp_path):
    for name in FILES:
        lines = (EVENTS_DIR / name).read_text().splitlines()
        if name == KIND_FILE:
            first = json.loads(lines[0])
            first["sha256"] = "0" * 16
            lines[0] = json.dumps(first)
        Path(tmp_path / name).write_text("\n".join(lines) + "\n")
    with pytest.raises(CorpusError, match="the source changed"):
        load_event_corpus(events_dir=tmp_path)


def test_round_four_reads_unlabelled_neighbours_of_gold_events_within_one_file():
    from cronaca.training.data.records import Sentence
    from cronaca.training.data.wider_candidates import NEIGHBOURS, neighbour_rows

    def sentence(stem: str, k: int) -> Sentence:
        return Sentence(f"{stem}:{k}", "x", ("x",), ((0, 1),), None, meta={"split": "train"})

    sentences = {s.id: s for stem in ("A", "B") for s in (sentence(stem, k) for k in range(20))}
    gold = {"A:10": ["riot"], "A:11": [], "A:19": ["battle"], "B:0": []}
    ids = {row["id"] for row in neighbour_rows(sentences, gold)}
    window = {f"A:{k}" for k in range(10 - NEIGHBOURS, 10 + NEIGHBOURS + 1)} - {"A:10", "A:11"}
    assert ids == window  # a battle is not looked around; labelled ones are not read again
    # the window never spills into the next file's first sentences
    gold["A:19"] = ["explosion_remote_violence"]
    ids = {row["id"] for row in neighbour_rows(sentences, gold)}
    assert not any(i.startswith("B:") for i in ids) and "A:16" in ids


def test_agreement_samples_name_corpus_records_and_score_identity_as_one():
    from cronaca.inference.labels import EVENT_TYPES
    from cronaca.training.data.agreement import SAMPLES, agreement, corpus_labels, read_labels

    first = corpus_labels()
    for path in SAMPLES.values():
        second = read_labels(path)
        assert set(second) <= set(first), path  # a second reading of records the corpus has
    same = agreement(first, {k: first[k] for k in list(first)[:50]}, EVENT_TYPES)
    assert same["exact_set_agreement"] == 1.0
    assert all(row["kappa"] == 1.0 for row in same["per_type"].values())
    # a type neither annotation used has nothing to agree on and stays out of the macro
    one = agreement({"a": {"riot"}, "b": set()}, {"a": {"riot"}, "b": {"riot"}}, EVENT_TYPES)
    assert one["per_type"]["battle"]["f1"] is None
    assert one["macro_f1"] == one["per_type"]["riot"]["f1"] == 2 / 3
