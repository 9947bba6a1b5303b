"""Corpus readers: exact counts on the shared corpora, and every validation error on tiny files."""

from __future__ import annotations

import json
import logging
import re
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from cronaca.inference.labels import spans_to_tags, tags_to_spans
from cronaca.inference.words import word_spans
from cronaca.training.data.columns import read_conll, read_wikineural
from cronaca.training.data.corpora import corpus_summary, read_corpus, shared_data_dir
from cronaca.training.data.news import read_news_items, read_standoff_events
from cronaca.training.data.records import Corpus, CorpusError, Sentence, sentences_by_id, text_hash
from cronaca.training.data.spans import read_spans_jsonl

DATA = shared_data_dir()
KIND_DIR = DATA / "kind" / "evalita-2023"
needs_data = pytest.mark.skipif(not KIND_DIR.is_dir(), reason=f"shared data not found at {DATA}")

# Counted once on the raw files with awk, independently of the readers:
#   sentences: runs of non-blank lines (WN_test and FIC_test have no final blank line);
#   entities:  B- tags plus I-X tags whose previous tag in the sentence is neither B-X nor I-X;
#   repairs:   those opening I-X tags alone.
# KIND's README gives 2,094 and 1,516 sentences for WN_test and FIC_test: those are the unlabelled
# test files; the labelled ones shipped in shared/data hold 2,088 and 1,517.
KIND_COUNTS = {  # file: (sentences, entities, opening I- tags)
    "ADG_dev": (1122, 791, 0),
    "ADG_test": (521, 497, 0),
    "ADG_train": (5147, 3335, 0),
    "FIC_dev": (1051, 1031, 0),
    "FIC_test": (1517, 448, 0),
    "FIC_train": (11423, 3901, 0),
    "WN_dev": (2594, 3396, 0),
    "WN_test": (2088, 3507, 16),
    "WN_train": (10912, 14579, 0),
}
# Same awk counts on WikiNEuRal with MISC dropped (its tags counted apart as "MISC tokens").
WIKINEURAL_COUNTS = {  # file: (sentences, entities, opening I- tags, MISC tokens)
    "val": (11050, 18815, 2, 4904),
    "test": (11069, 20402, 8, 5673),
}


@pytest.fixture(scope="module")
def kind() -> dict[str, Corpus]:
    return {name: read_conll(KIND_DIR / f"{name}.tsv") for name in KIND_COUNTS}


@pytest.fixture(scope="module")
def wikineural() -> dict[str, Corpus]:
    folder = DATA / "wikineural-it"
    return {
        name: read_wikineural(folder / f"{name}.conllu", label_map={"MISC": None})
        for name in WIKINEURAL_COUNTS
    }


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def raises_at(path: Path, line: int, match: str) -> AbstractContextManager:
    """Expect a CorpusError naming ``path:line`` and a reason matching ``match``."""
    return pytest.raises(CorpusError, match=rf"^{re.escape(str(path))}:{line}: .*{match}")


# --- the shared corpora -------------------------------------------------------------------------


@needs_data
@pytest.mark.parametrize("name", sorted(KIND_COUNTS))
def test_kind_counts(kind: dict[str, Corpus], name: str) -> None:
    sentences, entities, repairs = KIND_COUNTS[name]
    corpus = kind[name]
    assert len(corpus) == sentences
    assert sum(len(s.entity_spans()) for s in corpus) == entities
    assert len(corpus.report.repairs) == repairs
    assert corpus[0].id == f"{name}:0" and corpus[-1].id == f"{name}:{sentences - 1}"


@needs_data
@pytest.mark.parametrize("name", sorted(WIKINEURAL_COUNTS))
def test_wikineural_counts(wikineural: dict[str, Corpus], name: str) -> None:
    sentences, entities, repairs, misc = WIKINEURAL_COUNTS[name]
    corpus = wikineural[name]
    assert len(corpus) == sentences
    assert sum(len(s.entity_spans()) for s in corpus) == entities
    assert len(corpus.report.repairs) == repairs
    assert corpus.report.mapped == {"MISC->O": misc}


@needs_data
def test_wikineural_misc_needs_an_explicit_map() -> None:
    path = DATA / "wikineural-it" / "val.conllu"
    with raises_at(path, 9, "unknown entity label in 'B-MISC'"):
        read_wikineural(path)


@needs_data
def test_kind_bio_round_trip_is_lossless(kind: dict[str, Corpus]) -> None:
    for corpus in kind.values():
        for sentence in corpus:
            assert spans_to_tags(tags_to_spans(sentence.tags), len(sentence.tags)) == list(
                sentence.tags
            ), sentence.id


@needs_data
def test_kind_through_span_jsonl_round_trip(kind: dict[str, Corpus], tmp_path: Path) -> None:
    # Export WN_dev as Doccano JSONL (character spans) and read it back: where word_spans
    # reproduces KIND's tokens (99% of sentences), the tags come back unchanged.
    same = [s for s in kind["WN_dev"] if word_spans(s.text) == list(s.offsets)]
    records = [{"id": s.id, "text": s.text, "label": s.entity_char_spans()} for s in same]
    back = read_spans_jsonl(write(tmp_path, "WN_dev.jsonl", jsonl(*records)))
    assert len(same) > 0.98 * len(kind["WN_dev"])
    assert [(s.id, s.tags) for s in back] == [(s.id, s.tags) for s in same]


@needs_data
def test_kind_char_spans_cover_the_entity_tokens(kind: dict[str, Corpus]) -> None:
    for sentence in kind["WN_dev"]:
        for (start, end, _), span in zip(
            sentence.entity_char_spans(), sentence.entity_spans(), strict=True
        ):
            first, last = sentence.offsets[span.start][0], sentence.offsets[span.end - 1][1]
            assert (start, end) == (first, last)
            assert sentence.text[start:end].startswith(sentence.tokens[span.start])


@needs_data
def test_wn_test_keep_and_error_modes() -> None:
    path = KIND_DIR / "WN_test.tsv"
    kept = read_conll(path, on_invalid="keep")
    opening_i = sum(
        1
        for s in kept
        for i, tag in enumerate(s.tags)
        if tag.startswith("I-") and (i == 0 or s.tags[i - 1][2:] != tag[2:])
    )
    assert opening_i == 16 and not kept.report.repairs
    with raises_at(path, 33191, "invalid IOB2: I-LOC does not continue"):  # awk: first such line
        read_conll(path, on_invalid="error")


@needs_data
def test_news_items() -> None:
    corpus = read_news_items(DATA / "news-in-brief-it" / "items-2025-12_2026-01.jsonl")
    assert len(corpus) == 21153  # wc -l
    item = corpus[0]
    assert item.id.startswith("nib-") and item.tags is None and item.events is None
    assert set(item.meta) == {"date", "feed_day", "source"}


# --- column files ---------------------------------------------------------------------------


def test_conll_tolerates_bom_crlf_and_no_final_blank_line(tmp_path: Path) -> None:
    path = write(tmp_path, "tiny.tsv", "\ufeffIn\tO\r\nRoma\tB-LOC\r\n\r\n\r\nl'\tO\r\nOnu\tB-ORG")
    corpus = read_conll(path)
    assert [s.tokens for s in corpus] == [("In", "Roma"), ("l'", "Onu")]
    assert [s.text for s in corpus] == ["In Roma", "l'Onu"]
    assert corpus[1].id == "tiny:1" and corpus[1].origin == f"{path}:5"
    assert corpus[1].entity_char_spans() == [(2, 5, "ORG")]


def test_invalid_bio_is_an_error_on_request(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.tsv", "Il\tO\nmonte\tO\n\nIl\tO\nmonte\tO\nBianco\tI-LOC\n")
    with raises_at(path, 6, "invalid IOB2: I-LOC does not continue"):
        read_conll(path, on_invalid="error")


def test_repair_is_reported_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path, "bad.tsv", "Il\tO\nmonte\tO\n\nIl\tO\nmonte\tO\nBianco\tI-LOC\n")
    with caplog.at_level(logging.WARNING):
        corpus = read_conll(path)
    assert corpus[1].tags == ("O", "O", "B-LOC")
    (note,) = corpus.report.repairs
    assert (note.sentence_id, note.line, note.repair.old, note.repair.new) == (
        "bad:1",
        6,
        "I-LOC",
        "B-LOC",
    )
    assert "repaired 1 tag(s)" in caplog.text and str(path) in caplog.text
    assert read_conll(path, on_invalid="keep")[1].tags == ("O", "O", "I-LOC")


def test_unknown_and_malformed_labels(tmp_path: Path) -> None:
    path = write(tmp_path, "x.tsv", "Il\tO\nFMI\tB-MISC\n")
    with raises_at(path, 2, "unknown entity label in 'B-MISC'"):
        read_conll(path, on_invalid="keep")  # labels are checked in every mode
    assert read_conll(path, label_map={"MISC": "ORG"})[0].tags == ("O", "B-ORG")
    path = write(tmp_path, "y.tsv", "Il\tO\nFMI\tX-ORG\n")
    with raises_at(path, 2, "not a BIO tag: 'X-ORG'"):
        read_conll(path)


def test_column_count_and_whitespace_tokens(tmp_path: Path) -> None:
    path = write(tmp_path, "x.tsv", "Il\tO\nFondo Monetario\tB-ORG\n")
    with raises_at(path, 2, "contains whitespace"):
        read_conll(path)
    path = write(tmp_path, "y.tsv", "Il\tO\n\nFMI B-ORG\n")
    with raises_at(path, 3, "expected token<TAB>tag, found 1 column"):
        read_conll(path)


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl"])
def test_bad_utf8_names_its_line(tmp_path: Path, suffix: str) -> None:
    good = "Il\tO\n" if suffix == ".tsv" else '{"text": "Il"}\n'
    path = write(tmp_path, f"x{suffix}", good.encode() * 2 + b"Ro\xffma\tO\n")
    with raises_at(path, 3, "not valid UTF-8"):
        read_corpus(path)


def test_wikineural_index_must_restart_and_be_consecutive(tmp_path: Path) -> None:
    path = write(tmp_path, "w.conllu", "0\tIl\tO\n1\tPo\tB-LOC\n\n0\tIl\tO\n2\tPo\tB-LOC\n")
    with raises_at(path, 5, "index '2' where 1 was expected"):
        read_wikineural(path)
    path = write(tmp_path, "v.conllu", "0\tIl\tO\n1\tPo\tB-LOC\n\n1\tIl\tO\n")
    with raises_at(path, 4, "index '1' where 0 was expected"):
        read_wikineural(path)


# --- span JSONL -------------------------------------------------------------------------------

TEXT = "Scontri a Um Al-Khalakhil tra l'Esercito siriano e Hamas."


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def test_doccano_both_formats(tmp_path: Path) -> None:
    old = {"id": 7, "text": TEXT, "label": [[10, 25, "LOC"], [32, 40, "ORG"]]}
    new = {"text": TEXT, "entities": [{"start_offset": 51, "end_offset": 56, "label": "ORG"}]}
    corpus = read_spans_jsonl(write(tmp_path, "d.jsonl", jsonl(old, new)))
    assert [s.id for s in corpus] == ["7", "d:1"]
    assert corpus[0].entity_char_spans() == [(10, 25, "LOC"), (32, 40, "ORG")]
    assert corpus[0].tokens[2:5] == ("Um", "Al-Khalakhil", "tra")
    assert corpus[1].entity_char_spans() == [(51, 56, "ORG")]
    assert corpus[0].events is None  # no record of this file annotates events


def test_doccano_text_classification_gives_events(tmp_path: Path) -> None:
    records = [{"text": TEXT, "label": ["battle"]}, {"text": "Piove.", "label": []}]
    corpus = read_spans_jsonl(write(tmp_path, "c.jsonl", jsonl(*records)))
    assert [s.events for s in corpus] == [("battle",), ()]
    assert corpus[0].tags is None


def label_studio_task(spans: list[tuple[int, int, str]], choices: list[str]) -> dict:
    result = [
        {"type": "labels", "value": {"start": s, "end": e, "text": TEXT[s:e], "labels": [label]}}
        for s, e, label in spans
    ]
    if choices:
        result.append({"type": "choices", "value": {"choices": choices}})
    result.append({"type": "relation", "from_id": "a", "to_id": "b"})
    return {"id": 3, "data": {"text": TEXT}, "annotations": [{"result": result}]}


def test_label_studio_json_array(tmp_path: Path) -> None:
    task = label_studio_task([(51, 56, "ORG")], ["explosion_remote_violence", "battle"])
    unannotated = {"id": 4, "data": {"text": "Piove."}, "annotations": []}
    path = write(tmp_path, "ls.json", json.dumps([task, unannotated], indent=1))
    corpus = read_corpus(path)
    assert corpus[0].events == ("battle", "explosion_remote_violence")  # EVENT_TYPES order
    assert corpus[0].entity_char_spans() == [(51, 56, "ORG")]
    assert (corpus[1].tags, corpus[1].events) == (None, None)
    assert corpus.report.ignored == {"relation": 1}
    assert corpus[1].origin.endswith(f":{json.dumps([task], indent=1).count(chr(10)) + 1}")


def test_label_studio_json_min(tmp_path: Path) -> None:
    record = {
        "id": 9,
        "text": TEXT,
        "label": [{"start": 10, "end": 25, "text": "Um Al-Khalakhil", "labels": ["LOC"]}],
        "event": {"choices": ["battle"]},
    }
    corpus = read_spans_jsonl(write(tmp_path, "min.jsonl", jsonl(record)))
    assert corpus[0].entity_char_spans() == [(10, 25, "LOC")] and corpus[0].events == ("battle",)


def test_span_whitespace_is_trimmed_and_counted(tmp_path: Path) -> None:
    corpus = read_spans_jsonl(
        write(tmp_path, "t.jsonl", jsonl({"text": TEXT, "label": [[50, 56, "ORG"]]}))
    )
    assert corpus[0].entity_char_spans() == [(51, 56, "ORG")] and corpus.report.trimmed == 1


def test_span_off_token_boundaries(tmp_path: Path) -> None:
    records = [{"text": "Piove."}, {"text": TEXT, "label": [[13, 15, "LOC"]]}]  # "Al"
    path = write(tmp_path, "b.jsonl", jsonl(*records))
    with raises_at(
        path, 2, r"span \[13, 15\) LOC is not on word boundaries: …Scontri a Um \[Al\]-K"
    ):
        read_spans_jsonl(path)


def test_overlapping_spans(tmp_path: Path) -> None:
    spans = [[10, 25, "LOC"], [0, 25, "ORG"]]
    path = write(tmp_path, "o.jsonl", jsonl({"text": TEXT, "label": spans}))
    with raises_at(path, 1, "spans overlap: .*'Scontri a Um Al-Khalakhil'.*'Um Al-Khalakhil'"):
        read_spans_jsonl(path)


def test_unknown_span_and_event_labels(tmp_path: Path) -> None:
    path = write(tmp_path, "u.jsonl", jsonl({"text": TEXT, "label": [[51, 56, "GPE"]]}))
    with raises_at(path, 1, "unknown entity label 'GPE'"):
        read_spans_jsonl(path)
    path = write(tmp_path, "e.jsonl", jsonl({"text": TEXT, "cats": ["war"]}))
    with raises_at(path, 1, r"unknown event label\(s\) \['war'\]"):
        read_spans_jsonl(path)


def test_empty_text_and_bad_json(tmp_path: Path) -> None:
    path = write(tmp_path, "e.jsonl", jsonl({"text": TEXT}, {"id": "z", "text": "  "}))
    with raises_at(path, 2, "record z: empty or missing text"):
        read_spans_jsonl(path)
    path = write(tmp_path, "j.jsonl", jsonl({"text": TEXT}) + '{"text": \n')
    with raises_at(path, 2, "not JSON"):
        read_spans_jsonl(path)


def test_json_array_errors_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[\n {"text": "A."},\n\n {"text": "B." oops}\n]')
    with raises_at(path, 4, "not JSON"):
        read_spans_jsonl(path)


def test_corpus_summary(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.tsv", "Il\tO\nmonte\tO\n\nIl\tO\nmonte\tO\nBianco\tI-LOC\n")
    line = corpus_summary(path)
    assert line.startswith(f"{path}: 2 sentences, 5 tokens, 1 entities (LOC 1)")
    assert "repaired 1 tag(s)" in line
    with raises_at(path, 6, "invalid IOB2"):
        corpus_summary(path, on_invalid="error")


def test_read_corpus_dispatch(tmp_path: Path) -> None:
    news = write(tmp_path, "n.jsonl", jsonl({"id": "nib-1", "title": "Raid", "description": ""}))
    assert read_corpus(news)[0].text == "Raid"
    assert read_corpus(write(tmp_path, "k.tsv", "Roma\tB-LOC\n"))[0].tags == ("B-LOC",)
    path = write(tmp_path, "x.csv", "a,b\n")
    with pytest.raises(CorpusError, match="unknown corpus format '.csv'"):
        read_corpus(path)


def test_duplicate_record_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "d.jsonl", jsonl({"id": 1, "text": "A."}, {"id": 1, "text": "B."}))
    with raises_at(path, 2, "duplicate id '1'"):
        read_spans_jsonl(path)


# --- news items and stand-off event labels --------------------------------------------------


def test_news_text_joins_title_and_description(tmp_path: Path) -> None:
    items = [
        {
            "id": "nib-1",
            "date": "2026-01-02",
            "source": "ANSA",
            "title": "Raid su Gaza",
            "description": "Dieci morti.",
        },
        {"id": "nib-2", "title": "Piove", "description": "Piove"},
        {"id": "nib-3", "title": "Sole", "description": ""},
    ]
    corpus = read_news_items(write(tmp_path, "n.jsonl", jsonl(*items)))
    assert [s.text for s in corpus] == ["Raid su Gaza\nDieci morti.", "Piove", "Sole"]
    assert corpus[0].meta == {"date": "2026-01-02", "source": "ANSA"}


@pytest.fixture
def loaded(tmp_path: Path) -> dict[str, Sentence]:
    train = write(tmp_path, "WN_train.tsv", "Scontri\tO\na\tO\nAleppo\tB-LOC\n\nPiove\tO\n")
    test = write(tmp_path, "WN_test.tsv", "Razzi\tO\nsu\tO\nKiev\tB-LOC\n")
    return sentences_by_id([read_conll(train), read_conll(test)])


def standoff(record_id: str, text: str, labels: list[str]) -> dict:
    return {"id": record_id, "labels": labels, "sha256": text_hash(text), "note": "t"}


def test_standoff_join(tmp_path: Path, loaded: dict[str, Sentence]) -> None:
    records = [
        standoff("WN_train:0", "Scontri a Aleppo", ["battle"]),
        standoff("WN_train:1", "Piove", []),
    ]
    joined = read_standoff_events(write(tmp_path, "ev.jsonl", jsonl(*records)), loaded)
    assert [(s.id, s.events) for s in joined] == [("WN_train:0", ("battle",)), ("WN_train:1", ())]
    assert joined[0].tags == ("O", "O", "B-LOC") and joined[0].meta["note"] == "t"


@pytest.mark.parametrize(
    ("record", "match"),
    [
        (standoff("WN_train:7", "x", ["battle"]), "unknown id 'WN_train:7'"),
        (standoff("WN_train:0", "Scontri ad Aleppo", ["battle"]), "the source changed"),
        (standoff("WN_test:0", "Razzi su Kiev", ["explosion_remote_violence"]), "held-out"),
        (standoff("WN_train:0", "Scontri a Aleppo", ["war"]), "unknown event label"),
        (standoff("WN_train:1", "Piove", []), "duplicate id 'WN_train:1' \\(first on line 1\\)"),
    ],
)
def test_standoff_errors(
    tmp_path: Path, loaded: dict[str, Sentence], record: dict, match: str
) -> None:
    path = write(tmp_path, "ev.jsonl", jsonl(standoff("WN_train:1", "Piove", []), record))
    with raises_at(path, 2, match):
        read_standoff_events(path, loaded)


# --- the record type and the data location ------------------------------------------------------


def test_sentence_validates_its_structure() -> None:
    sentence = Sentence("a", "l'Onu", ["l'", "Onu"], [[0, 2], [2, 5]], ["O", "B-ORG"])
    assert sentence.offsets == ((0, 2), (2, 5)) and hash(sentence) == hash(sentence)
    with pytest.raises(ValueError, match="token 1 'Onu' does not match text"):
        Sentence("a", "l'Onu", ["l'", "Onu"], [(0, 2), (3, 5)], ["O", "B-ORG"])
    with pytest.raises(ValueError, match="2 tokens but 1 tags"):
        Sentence("a", "l'Onu", ["l'", "Onu"], [(0, 2), (2, 5)], ["O"])
    with pytest.raises(ValueError, match="event labels"):
        Sentence("a", "Onu", ["Onu"], [(0, 3)], None, events=["war"])
    with pytest.raises(ValueError, match="does not continue"):
        Sentence("a", "Onu", ["Onu"], [(0, 3)], ["I-ORG"]).validate()


def test_shared_data_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRONACA_DATA", str(tmp_path))
    assert shared_data_dir() == tmp_path
    monkeypatch.delenv("CRONACA_DATA")
    assert shared_data_dir().parts[-2:] == ("shared", "data")
