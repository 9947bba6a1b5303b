"""Fuzz targets shared by the fast profile (tests/test_fuzz.py) and the long one
(benchmarks/fuzz.py): hypothesis strategies for hostile inputs, and one check per target.

Every check states the one property of issue 14: the call either raises the clear error the
API promises (``CorpusError`` naming the file and a line of it; ``ValueError`` for an API
call), or returns a result whose character offsets slice the input exactly; the batch job
writes one record per input line, in input order. Any other exception fails the check.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import strategies as st

from cronaca.inference.labels import ENTITY_TYPES, EVENT_TYPES
from cronaca.inference.sentences import sentence_spans
from cronaca.inference.words import detokenize, lone_surrogate, word_spans, words
from cronaca.training.data.columns import read_conll, read_wikineural
from cronaca.training.data.news import (
    read_news_items,
    read_standoff_entities,
    read_standoff_events,
)
from cronaca.training.data.records import CorpusError, text_hash
from cronaca.training.data.spans import read_spans_jsonl

# --- hostile text ---------------------------------------------------------------------------

SPECIAL = [
    *("\u0301", "\u0308", "e\u0301", "\u202e", "\u202c", "\u200f", "\u05d0\u05d1", "عربي"),
    *("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "😀", "👩\u200d👩\u200d👧", "🇮🇹"),
    *("\x00", "\x07", "\x1b", "\x1c", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\t", "\xa0"),
    *("\u3000", "\n", "\n\n", " ", "  ", "l'", "dell’", "po'", "'ndrangheta", "Sha'Fah"),
    *("Al-Khalakhil", "3,5", "1.000", "11:30", "S.p.A.", "dott.", "n. 104", "#tag", "..."),
    *("http://ansa.it/a.", "https://x.y/?q=1)", "www.ansa.it", "mario.rossi@x.it", "@", "."),
    *("«", "»", "“", "”", '"', "'", "(", ")", "!", "?", ";", ",", "-", "–", "—", "…"),
    *("Roma", "Il JNIM ha attaccato Timbuctù.", "Migliaia in corteo a Roma.", "È", "ﬁ"),
]
LONE = ["\ud800", "\udfff", "\udc00x"]  # lone surrogates: only the API targets get them raw

_PIECE = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=6))
texts = st.lists(_PIECE, max_size=40).map("".join)
texts_with_surrogates = st.lists(st.one_of(_PIECE, st.sampled_from(LONE)), max_size=40).map("".join)


@st.composite
def long_texts(draw, sizes=(10_000, 100_000, 1_000_000)):
    """A short hostile fragment repeated to 10k-1M characters (where quadratic work shows)."""
    fragment = draw(st.lists(_PIECE, min_size=1, max_size=6).map("".join).filter(bool))
    size = draw(st.sampled_from(sizes))
    return (fragment * (size // len(fragment) + 1))[:size]


# --- hostile files --------------------------------------------------------------------------

_TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
_BAD_TAGS = ["", "B-", "X-PER", "b-per", "B-FOO", "O ", " B-LOC", "I", "B-LOC-X"]
_BYTES = [b"\xff", b"\xc3", b"\xe0\x80", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf", b"\r"]


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """``data`` cut short, with bytes that are not UTF-8, or re-encoded, or left as it is."""
    how = draw(st.sampled_from(["keep", "keep", "truncate", "insert", "latin1", "bom", "crlf"]))
    if how == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from(_BYTES)) + data[at:]
    if how == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "crlf":
        return data.replace(b"\n", b"\r\n")
    return data


def _token(draw) -> str:
    return draw(st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=8)))


@st.composite
def column_files(draw, indexed: bool) -> bytes:
    """KIND ``token<TAB>tag`` (or WikiNEuRal ``index<TAB>token<TAB>tag``) lines, some broken."""
    lines, index = [], 0
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["row"] * 6 + ["blank", "comment", "junk", "bad_tag"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t"])))
            index = 0
            continue
        if kind == "comment":
            lines.append("# " + draw(texts))
            continue
        if kind == "junk":
            lines.append(draw(texts))
            continue
        tag = draw(st.sampled_from(_BAD_TAGS if kind == "bad_tag" else _TAGS))
        row = [_token(draw), tag]
        if indexed:
            row.insert(0, str(index) if draw(st.integers(0, 9)) else str(index + 1))
            index += 1
        lines.append("\t".join(row))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    return draw(mutated(data))


_json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(), texts_with_surrogates
)
_json_any = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


@st.composite
def _span(draw, text: str):
    spans = word_spans(text)
    if spans and draw(st.booleans()):
        first = draw(st.integers(0, len(spans) - 1))
        last = draw(st.integers(first, min(len(spans) - 1, first + 2)))
        start, end = spans[first][0], spans[last][1]
    else:
        start, end = draw(st.integers(-3, len(text) + 3)), draw(st.integers(-3, len(text) + 3))
    label = draw(st.sampled_from([*ENTITY_TYPES, "MISC", "FOO", 7]))
    shape = draw(st.sampled_from(["doccano", "doccano1", "ls", "junk"]))
    if shape == "doccano":
        return [start, end, label]
    if shape == "doccano1":
        return {"start_offset": start, "end_offset": end, "label": label}
    if shape == "ls":
        return {"start": start, "end": end, "labels": [label], "text": text[start:end]}
    return draw(_json_any)


@st.composite
def span_records(draw):
    """A Doccano / Label Studio / JSON-MIN record, or any JSON value at all."""
    text = draw(st.one_of(texts_with_surrogates, st.sampled_from(SPECIAL)))
    spans = draw(st.lists(_span(text), max_size=4))
    events = draw(st.lists(st.sampled_from([*EVENT_TYPES, "war", 3]), max_size=3))
    shape = draw(st.sampled_from(["doccano", "entities", "ls", "min", "any"]))
    record: object
    if shape == "doccano":
        record = {"text": text, "label": draw(st.sampled_from([spans, events]))}
    elif shape == "entities":
        record = {"text": text, "entities": spans, "cats": events}
    elif shape == "ls":
        results = [{"type": "labels", "value": s} for s in spans if isinstance(s, dict)]
        results.append({"type": "choices", "value": {"choices": events}})
        annotation = {"result": draw(st.sampled_from([results, draw(_json_any)]))}
        record = {"data": {"text": text}, "annotations": [annotation]}
    elif shape == "min":
        record = {"text": text, "label": spans, "type": {"choices": events}}
    else:
        record = draw(_json_any)
    if isinstance(record, dict) and draw(st.booleans()):
        record["id"] = draw(st.one_of(st.integers(0, 3), st.text(max_size=3)))
    return record


_BROKEN_LINES = ["{", "[1,", '{"text": "a"', "[" * 5000, "9" * 5000, "null", '"x"', "{}"]


@st.composite
def json_files(draw, records) -> bytes:
    """JSONL or one JSON array of ``records``, with broken lines, then mutated bytes."""
    items = draw(st.lists(records, max_size=6))
    ascii_only = draw(st.booleans())
    dumped = [json.dumps(item, ensure_ascii=ascii_only) for item in items]
    for _ in range(draw(st.integers(0, 1))):
        dumped.insert(draw(st.integers(0, len(dumped))), draw(st.sampled_from(_BROKEN_LINES)))
    text = "[" + ",\n".join(dumped) + "]" if draw(st.booleans()) else "\n".join(dumped)
    return draw(mutated(text.encode("utf-8", "surrogatepass")))


@st.composite
def news_records(draw):
    record = {"id": draw(st.sampled_from(["n1", "n2", "n3", "WN_test:1"]))}
    record["title"] = draw(st.one_of(texts, st.just("Raid su Hajin."), _json_leaf))
    if draw(st.booleans()):
        record["description"] = draw(st.one_of(texts, _json_leaf))
    return record


# --- the checks -----------------------------------------------------------------------------


def _lines_in(data: bytes) -> int:
    return data.count(b"\n") + 1


def _corpus_error_ok(error: CorpusError, path: Path, data: bytes) -> None:
    assert error.path == str(path), error
    assert error.line is None or 1 <= error.line <= _lines_in(data), error
    assert error.reason and str(error).startswith(f"{path}"), error


def _sentences_ok(corpus) -> None:
    for sentence in corpus:
        for token, (start, end) in zip(sentence.tokens, sentence.offsets, strict=True):
            assert sentence.text[start:end] == token
        assert lone_surrogate(sentence.text) < 0
        assert sentence.tags is None or len(sentence.tags) == len(sentence.tokens)


def check_reader(folder: Path, name: str, data: bytes, read) -> None:
    """``read(path)`` returns a corpus whose offsets slice its texts, or a ``CorpusError``
    naming ``path`` and one of its lines."""
    path = folder / name
    path.write_bytes(data)
    try:
        corpus = read(path)
    except CorpusError as error:
        _corpus_error_ok(error, path, data)
        return
    _sentences_ok(corpus)


def read_column_file(indexed: bool):
    return read_wikineural if indexed else read_conll


def read_spans(path: Path):
    return read_spans_jsonl(path, label_map={"MISC": None})


NEWS = [
    {"id": "n1", "title": "Raid aerei su Hajin.", "description": "Dieci morti a Deir Ezzor."},
    {"id": "n2", "title": "Corteo a Roma 😀 e\u0301", "description": ""},
    {"id": "n3", "title": "L'esercito a Sha'Fah\u200b.", "description": "«Tregua»\u202e fragile."},
]


def news_index(folder: Path) -> dict:
    path = folder / "items.jsonl"
    path.write_text("\n".join(json.dumps(n, ensure_ascii=False) for n in NEWS), "utf-8")
    return read_news_items(path).by_id()


@st.composite
def standoff_records(draw, by_id: dict):
    """A stand-off event or entity record: known, unknown or held-out id, right or wrong hash."""
    record_id = draw(st.sampled_from([*by_id, "nope", "WN_test:0", 5]))
    sentence = by_id.get(record_id)
    record = {"id": record_id}
    if draw(st.integers(0, 4)):
        record["sha256"] = text_hash(sentence.text) if sentence else "0" * 16
    record["labels"] = draw(st.lists(st.sampled_from([*EVENT_TYPES, "war"]), max_size=3))
    text = sentence.text if sentence else "x"
    record["entities"] = draw(st.one_of(st.lists(_span(text), max_size=3), _json_leaf))
    record["note"] = draw(texts)
    return record


def check_standoff(folder: Path, data: bytes, by_id: dict, entities: bool) -> None:
    reader = read_standoff_entities if entities else read_standoff_events
    check_reader(folder, "standoff.jsonl", data, lambda path: reader(path, by_id))


def check_words(text: str) -> None:
    """Word spans: in order, disjoint, no whitespace inside, every other character covered;
    ``detokenize`` of the words gives offsets that slice its text."""
    spans = word_spans(text)
    position = 0
    for start, end in spans:
        assert position <= start < end <= len(text)
        assert text[position:start].isspace() or start == position
        assert not any(c.isspace() for c in text[start:end])
        position = end
    assert not text[position:].strip()
    tokens = words(text)
    assert tokens == [text[s:e] for s, e in spans]
    joined, offsets = detokenize(tokens)
    assert [joined[s:e] for s, e in offsets] == tokens


def check_sentences(text: str) -> None:
    """Sentence spans: in order, disjoint, within a line, stripped, covering all non-space."""
    try:
        spans = sentence_spans(text)
    except ValueError as error:
        assert lone_surrogate(text) >= 0 and "lone surrogate" in str(error), error
        return
    position = 0
    for start, end in spans:
        assert position <= start < end <= len(text)
        sentence = text[start:end]
        assert sentence == sentence.strip() and "\n" not in sentence
        assert not text[position:start].strip()
        position = end
    assert not text[position:].strip()


def check_features(tokenizer, batch: list[str], max_length: int, stride: int) -> None:
    """Windows of every text: within ``max_length``, each word read at a real token, word
    scores gathered in the right shape; or a ``ValueError`` saying what is wrong."""
    import numpy as np

    from cronaca.inference import features

    spans = [word_spans(text) for text in batch]
    try:
        windows = features.encode(tokenizer, batch, spans, max_length, stride)
    except ValueError as error:
        bad = [i for i, t in enumerate(batch) if lone_surrogate(t) >= 0]
        assert bad and f"text {bad[0]}: lone surrogate" in str(error), error
        return
    assert {w.example for w in windows} == set(range(len(batch)))
    for window in windows:
        assert len(window) <= max_length
        assert all(0 <= w < len(spans[window.example]) for w in window.word_ids)
        assert all(0 < p < len(window) - 1 for p in window.positions)  # not <s> or </s>
    scores = [np.ones((len(w), 3), dtype=np.float32) for w in windows]
    gathered = features.gather_word_scores(windows, scores, [len(s) for s in spans])
    assert [g.shape for g in gathered] == [(len(s), 3) for s in spans]


def check_predictor(predictor, batch: list[str]) -> None:
    """Documents in input order whose entities and sentences slice their text; or a
    ``ValueError`` naming the first text that is not valid Unicode."""
    bad = [i for i, t in enumerate(batch) if lone_surrogate(t) >= 0]
    try:
        documents = predictor.predict(batch, batch_size=4)
    except ValueError as error:
        assert bad and f"text {bad[0]}: lone surrogate" in str(error), error
        return
    assert not bad
    assert [d.text for d in documents] == batch
    for document in documents:
        text = document.text
        for entity in document.entities:
            assert 0 <= entity.start < entity.end <= len(text)
            assert text[entity.start : entity.end] == entity.text and entity.label in ENTITY_TYPES
            assert any(s.start <= entity.start and entity.end <= s.end for s in document.sentences)
        for sentence in document.sentences:
            piece = text[sentence.start : sentence.end]
            assert piece and piece == piece.strip()
            assert all(e.label in EVENT_TYPES for e in sentence.events)


@st.composite
def job_lines(draw) -> list[bytes]:
    """Input lines of a ``cronaca predict`` JSONL file, many of them broken."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["good"] * 4 + ["bytes", "broken", "any", "blank", "dup"]))
        if kind == "good":
            item = {"id": draw(st.one_of(st.integers(0, 5), texts_with_surrogates))}
            item["text"] = draw(texts_with_surrogates)
            line = json.dumps(item, ensure_ascii=draw(st.booleans()))
            lines.append(line.encode("utf-8", "surrogatepass"))
        elif kind == "bytes":
            lines.append(draw(mutated(json.dumps({"id": "b", "text": draw(texts)}).encode())))
        elif kind == "broken":
            lines.append(draw(st.sampled_from(_BROKEN_LINES)).encode())
        elif kind == "any":
            lines.append(json.dumps(draw(_json_any)).encode())
        elif kind == "blank":
            lines.append(b"  ")
        else:
            lines.append(lines[-1] if lines else b'{"id": 1, "text": "Roma."}')
    return [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]


def check_batch_job(predictor, folder: Path, lines: list[bytes], cut: int) -> None:
    """One record per non-blank input line, in order, each a result whose entities slice its
    text or an error record naming the line; a run killed after ``cut`` records, with its last
    line half-written, is finished by running again and ends with the same file."""
    from cronaca.inference.batch_job import read_inputs, run_job

    source = folder / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + (b"\n" if lines else b""))
    straight, resumed = folder / "straight.jsonl", folder / "resumed.jsonl"
    for out in (straight, resumed):
        out.unlink(missing_ok=True)
    run_job(predictor, read_inputs(source), straight, show_progress=False, group_characters=50)
    expected = [n for n, line in enumerate(lines, 1) if line.strip()]
    # lines end at "\n" only: str.splitlines() would also cut at a raw U+0085 or U+2028
    records = [json.loads(line) for line in straight.read_text("utf-8").split("\n")[:-1]]
    assert len(records) == len(expected)
    for number, record in zip(expected, records):
        if "error" in record:
            assert record["line"] == number and record["source"] == str(source)
            continue
        item = json.loads(lines[number - 1].decode("utf-8-sig" if number == 1 else "utf-8"))
        assert record["id"] == item["id"] and record["text"] == item["text"]
        for entity in record["entities"]:
            assert record["text"][entity["start"] : entity["end"]] == entity["text"]
    text = straight.read_text("utf-8")
    kept = "".join(line + "\n" for line in text.split("\n")[:-1][:cut])
    resumed.write_text(kept + text[len(kept) :][: random.Random(cut).randint(0, 5)], "utf-8")
    if "\n" in text[len(kept) :][:5]:  # the cut-off piece held a whole line: not a kill
        resumed.write_text(kept, "utf-8")
    run_job(predictor, read_inputs(source), resumed, show_progress=False, group_characters=50)
    assert resumed.read_text("utf-8") == text
