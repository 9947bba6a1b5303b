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
