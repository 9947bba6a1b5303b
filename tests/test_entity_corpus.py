"""The conflict-news entity corpus: annotators' mention lists become exact spans, the stand-off
loader checks hashes, word boundaries, splits and the held-out benchmarks, and scoring
counts type confusions."""

import json
import re
from pathlib import Path

import pytest

from cronaca.training.data.entity_corpus import ENTITY_FILE, load_news_entities
from cronaca.training.data.entity_import import resolve, span_agreement
from cronaca.training.data.event_corpus import NEWS_SOURCE
from cronaca.training.data.records import CorpusError, text_hash
from cronaca.training.evaluation.entities import type_confusion

TEXT = "L'esercito israeliano colpisce Gaza\nJNIM attacca la base di Acharan dell’Isis - Il Post"


def _items(data_dir: Path, items: list[dict]) -> None:
    path = data_dir / NEWS_SOURCE
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items))


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.fixture
def data_dir(tmp_path):
    title, description = TEXT.split("\n")
    _items(
        tmp_path,
        [
            {"id": "nib-a", "date": "2026-01-25", "title": title, "description": description},
            {"id": "nib-b", "date": "2025-12-20", "title": "Nessuna notizia", "description": ""},
        ],
    )
    return tmp_path


def _row(spans, item_id="nib-a", split="test", text=TEXT):
    return {"id": item_id, "split": split, "sha256": text_hash(text), "entities": spans}


def test_mentions_resolve_in_order_on_word_boundaries():
    spans, problems = resolve(
        TEXT,
        [["esercito israeliano", "ORG"], ["Gaza", "LOC"], ["JNIM", "ORG"], ["Isis", "ORG"]],
    )
    assert problems == []
    assert [TEXT[s:e] for s, e, _ in spans] == ["esercito israeliano", "Gaza", "JNIM", "Isis"]
    # "Isis" is found after the elided "dell’", never inside another word
    _, problems = resolve("pro-Isis a Gaza", [["Isis", "ORG"]])
    assert problems and "inside a word" in problems[0]
    _, problems = resolve(TEXT, [["Gaza", "LOC"], ["esercito israeliano", "ORG"]])
    assert "not found" in problems[0]  # listed out of reading order
    _, problems = resolve(TEXT, [["Gaza", "GPE"]])
    assert "unknown type" in problems[0]


def test_loader_turns_spans_into_tags(data_dir, tmp_path):
    spans, _ = resolve(TEXT, [["esercito israeliano", "ORG"], ["Gaza", "LOC"], ["Il Post", "ORG"]])
    standoff = _write(tmp_path / "ents.jsonl", [_row([list(s) for s in spans])])
    (record,) = load_news_entities(data_dir, standoff)
    assert record.meta["split"] == "test"
    tagged = [(t, tag) for t, tag in zip(record.tokens, record.tags) if tag != "O"]
    assert tagged == [
        ("esercito", "B-ORG"),
        ("israeliano", "I-ORG"),
        ("Gaza", "B-LOC"),
        ("Il", "B-ORG"),
        ("Post", "I-ORG"),
    ]
    assert load_news_entities(data_dir, standoff, split="train") == []


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (_row([[3, 9, "ORG"]]), "nib-a: span [3, 9) ORG is not on word boundaries"),
        ({**_row([]), "sha256": "0" * 16}, "the source changed"),
        (_row([], split="train"), "its date gives 'test'"),
        (_row([[0, 2, "MISC"]]), "unknown entity label 'MISC'"),
        ({**_row([]), "id": "WN_test:3"}, "held-out benchmark"),
        ({**_row([]), "id": "nib-zzz"}, "unknown id"),
    ],
)
def test_loader_errors_name_file_line_and_id(data_dir, tmp_path, row, reason):
    standoff = _write(tmp_path / "ents.jsonl", [_row([], "nib-b", "train", "Nessuna notizia"), row])
    with pytest.raises(CorpusError, match=f"ents.jsonl:2: .*{re.escape(reason)}"):
        load_news_entities(data_dir, standoff)


def test_agreement_is_exact_span_f1():
    first = {"a": [(0, 4, "ORG"), (10, 14, "LOC")], "b": [(0, 3, "PER")]}
    second = {"a": [(0, 4, "ORG"), (10, 14, "ORG")], "b": [(0, 3, "PER")], "c": []}
    result = span_agreement(first, second)
    assert result["items"] == 2
    assert result["exact_span_f1"] == pytest.approx(2 * 2 / 6)
    assert result["unlabelled_span_f1"] == 1.0
    assert result["per_type_f1"]["PER"] == 1.0 and result["per_type_f1"]["LOC"] == 0.0


def test_type_confusion_counts_type_errors_misses_and_spurious_spans():
    gold = [["B-ORG", "O", "B-LOC", "B-PER"]]
    pred = [["B-LOC", "O", "B-LOC", "O"]]
    table = type_confusion(gold + [["O", "B-ORG"]], pred + [["O", "B-ORG"]])
    assert table["ORG"]["LOC"] == 1 and table["ORG"]["ORG"] == 1
    assert table["LOC"]["LOC"] == 1 and table["PER"]["none"] == 1
    assert table["none"] == {"LOC": 0, "ORG": 0, "PER": 0, "none": 0}
    assert type_confusion([["O", "B-PER"]], [["B-PER", "O"]])["none"]["PER"] == 1


@pytest.mark.skipif(not ENTITY_FILE.exists(), reason="the entity corpus is not imported yet")
def test_the_repository_corpus_loads_and_never_holds_a_kind_id():
    from cronaca.training.data.corpora import shared_data_dir

    if not (shared_data_dir() / NEWS_SOURCE).exists():
        pytest.skip("needs ../shared/data")
    records = load_news_entities()
    assert len(records) >= 1500
    assert all(r.id.startswith("nib-") for r in records)
    assert {r.meta["split"] for r in records} == {"train", "dev", "test"}


def test_char_span_scores_count_exact_spans_only():
    from cronaca.training.evaluation.entities import char_span_scores

    gold = [{(0, 4, "ORG"), (10, 14, "LOC")}, {(0, 3, "PER")}]
    pred = [{(0, 4, "ORG"), (10, 13, "LOC")}, {(0, 3, "PER"), (5, 9, "LOC")}]
    scores = char_span_scores(gold, pred)
    assert scores["micro"]["precision"] == pytest.approx(2 / 4)
    assert scores["micro"]["recall"] == pytest.approx(2 / 3)
    assert scores["per_type"]["LOC"]["f1"] == 0.0 and scores["per_type"]["PER"]["f1"] == 1.0
    with pytest.raises(ValueError, match="gold texts"):
        char_span_scores(gold, pred[:1])
