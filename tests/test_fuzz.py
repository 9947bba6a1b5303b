"""Fuzzing, fast profile: every reader, the splitters, the features, the Predictor and the batch
job on hostile inputs (tests/fuzzing.py has the strategies and the properties; the long profile
is benchmarks/fuzz.py)."""

import pytest
from fuzzing import (
    check_batch_job,
    check_features,
    check_predictor,
    check_reader,
    check_sentences,
    check_standoff,
    check_words,
    column_files,
    job_lines,
    json_files,
    long_texts,
    news_index,
    news_records,
    read_column_file,
    read_spans,
    span_records,
    standoff_records,
    texts,
    texts_with_surrogates,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronaca.inference.words import words
from cronaca.training.data.news import read_news_items

FAST = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def predictor(tiny_predictor_dirs):
    from cronaca.inference.predictor import Predictor

    return Predictor.from_pretrained(*tiny_predictor_dirs, device="cpu", precision="fp32")


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


@pytest.mark.parametrize("indexed", [False, True], ids=["kind-tsv", "wikineural-conllu"])
def test_column_readers(folder, indexed):
    @FAST
    @given(column_files(indexed))
    def run(data):
        name = "WN_fuzz.conllu" if indexed else "WN_fuzz.tsv"
        check_reader(folder, name, data, read_column_file(indexed))

    run()


@FAST
@given(json_files(span_records()), st.sampled_from(["spans.jsonl", "spans.json"]))
def test_span_readers(folder, data, name):
    check_reader(folder, name, data, read_spans)


@FAST
@given(json_files(news_records()))
def test_news_reader(folder, data):
    check_reader(folder, "news.jsonl", data, read_news_items)


@pytest.mark.parametrize("entities", [False, True], ids=["events", "entities"])
def test_standoff_readers(folder, entities):
    by_id = news_index(folder)

    @FAST
    @given(json_files(standoff_records(by_id)))
    def run(data):
        check_standoff(folder, data, by_id, entities)

    run()


@FAST
@given(texts_with_surrogates)
def test_word_splitter(text):
    check_words(text)


@FAST
@given(texts_with_surrogates)
def test_sentence_splitter(text):
    check_sentences(text)


@settings(FAST, max_examples=4)
@given(long_texts())
def test_splitters_on_long_texts(text):
    check_words(text)
    check_sentences(text)


def test_the_word_splitter_bounds_what_made_it_quadratic():
    """E-mail local parts and domain labels are bounded (64 and 63 characters, the RFC
    limits): unbounded, they rescanned a run of word characters and dots from every word in it
    ("ab." * 13,333: 12.5 s)."""
    assert words("a" * 64 + "@x.com") == ["a" * 64 + "@x.com"]
    assert words("a" * 65 + "@x.com") == ["a" * 65, "@", "x.com"]
    assert words("x" * 63 + ".com") == ["x" * 63 + ".com"]
    assert words("x" * 64 + ".com") == ["x" * 64, ".", "com"]
    text = ("ab." * 70_000)[:200_000]
    check_words(text)


@pytest.mark.parametrize("fragment", ["ab.", "+.", "“", "«a ", "http://" + "." * 2000 + "x "])
def test_the_sentence_splitter_gives_sentencex_bounded_pieces(fragment, monkeypatch):
    """sentencex is quadratic in full stops and in unclosed quotes: it is never given more than
    CHUNK characters at once, nor more than a few times the text in all."""
    from cronaca.inference import sentences

    given: list[int] = []
    segments = sentences._segments

    def counted(line: str):
        given.append(len(line))
        return segments(line)

    monkeypatch.setattr(sentences, "_segments", counted)
    text = (fragment * (200_000 // len(fragment) + 1))[:200_000]
    check_sentences(text)
    assert given and max(given) <= sentences.CHUNK
    assert sum(given) <= 3 * len(text)


def test_features(tokenizer):
    @FAST
    @given(st.lists(texts_with_surrogates, min_size=1, max_size=4), st.integers(8, 48))
    def run(batch, max_length):
        check_features(tokenizer, batch, max_length, stride=max_length // 4)

    run()


def test_predictor(predictor):
    @FAST
    @given(st.lists(st.one_of(texts, texts_with_surrogates), min_size=1, max_size=3))
    def run(batch):
        check_predictor(predictor, batch)

    run()


def test_batch_job(predictor, folder):
    @settings(FAST, max_examples=15)
    @given(job_lines(), st.integers(0, 8))
    def run(lines, cut):
        check_batch_job(predictor, folder, lines, cut)

    run()
