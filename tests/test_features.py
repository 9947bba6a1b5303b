"""The one preprocessing path: windows, first-sub-token alignment, reading words back."""

import numpy as np
import pytest
from transformers import AutoTokenizer

from cronaca.inference import features
from cronaca.inference.words import word_spans

TEXT = "Raid aerei della coalizione su Sha'Fah, «almeno» dieci morti a Deir Ezzor."


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    return AutoTokenizer.from_pretrained(tiny_model_dir)


def test_every_word_is_read_at_a_token_that_starts_inside_it(tokenizer):
    words = word_spans(TEXT)
    (window,) = features.encode(tokenizer, [TEXT], [words], max_length=512)
    assert sorted(window.word_ids.tolist()) == list(range(len(words)))
    encoding = tokenizer(TEXT, return_offsets_mapping=True)
    offsets = np.asarray(encoding["offset_mapping"])
    starts = features.trimmed_starts(TEXT, offsets)
    for word, position in zip(window.word_ids, window.positions):
        start, end = words[word]
        assert starts[position] <= start < offsets[position, 1]  # the token covers the word start


def test_bare_metaspace_piece_never_stands_for_a_word(tokenizer):
    text = "a Deir Ezzor"  # the tiny vocabulary splits "▁" from "D"
    words = word_spans(text)
    (window,) = features.encode(tokenizer, [text], [words])
    pieces = tokenizer.convert_ids_to_tokens(window.input_ids)
    assert all(pieces[p] != "▁" for p in window.positions)


def test_long_text_is_windowed_not_truncated(tokenizer):
    text = " ".join([TEXT] * 40)
    words = word_spans(text)
    windows = features.encode(tokenizer, [text], [words], max_length=32, stride=8)
    assert len(windows) > 10 and all(len(w) <= 32 for w in windows)
    read = set(np.concatenate([w.word_ids for w in windows]).tolist())
    assert read == set(range(len(words)))  # every word is read somewhere


def test_gather_prefers_the_most_central_window(tokenizer):
    text = " ".join([TEXT] * 10)
    words = word_spans(text)
    windows = features.encode(tokenizer, [text], [words], max_length=24, stride=10)
    # each window scores its tokens by their centrality, so the gathered score of every word
    # must equal the best centrality any window gave it
    scores = []
    for w in windows:
        column = np.zeros((len(w), 1), dtype=np.float32)
        column[w.positions, 0] = w.centrality
        scores.append(column)
    (gathered,) = features.gather_word_scores(windows, scores, [len(words)])
    best = np.zeros(len(words))
    for w in windows:
        np.maximum.at(best, w.word_ids, w.centrality)
    np.testing.assert_array_equal(gathered[:, 0], best)


def test_token_labels_put_each_word_label_on_its_first_token(tokenizer):
    words = word_spans(TEXT)
    (window,) = features.encode(tokenizer, [TEXT], [words])
    word_labels = list(range(1, len(words) + 1))
    labels = np.asarray(features.token_labels(window, word_labels))
    labelled = np.flatnonzero(labels != features.IGNORE)
    assert len(labelled) == len(set(window.positions.tolist()))
    first = {}
    for word, position in zip(window.word_ids, window.positions):
        first.setdefault(int(position), int(word))
    for position, word in first.items():
        assert labels[position] == word_labels[word]


def test_empty_text_gives_no_words(tokenizer):
    (window,) = features.encode(tokenizer, [""], [[]])
    assert len(window.word_ids) == 0
