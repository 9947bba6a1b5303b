import itertools

import numpy as np

from cronaca.inference.decoding import decode_batch, greedy, log_softmax, viterbi, viterbi_batch
from cronaca.inference.labels import bio_labels, bio_problems, ids_to_spans, tags_to_spans

LABELS = bio_labels()


def test_viterbi_never_opens_with_inside_tag():
    # greedy would give O I-LOC: the I-LOC continues nothing
    scores = np.log(
        np.array(
            [[0.9, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01], [0.25, 0.01, 0.01, 0.01, 0.01, 0.3, 0.4]]
        )
    )
    assert greedy(scores, LABELS) == ["O", "I-LOC"]
    tags = viterbi(scores, LABELS)
    assert bio_problems(tags) == []
    assert tags == ["O", "B-LOC"]


def test_viterbi_output_is_always_valid_iob2():
    rng = np.random.default_rng(0)
    for _ in range(50):
        scores = log_softmax(rng.normal(size=(12, len(LABELS))))
        assert bio_problems(viterbi(scores, LABELS)) == []


def test_viterbi_agrees_with_greedy_when_greedy_is_valid():
    scores = log_softmax(
        np.array([[5.0, 0, 0, 0, 0, 0, 0], [0, 5.0, 0, 0, 0, 0, 0], [0, 0, 5.0, 0, 0, 0, 0]])
    )
    assert viterbi(scores, LABELS) == greedy(scores, LABELS) == ["O", "B-PER", "I-PER"]
    assert viterbi(np.zeros((0, 7)), LABELS) == []


def _brute_force(scores: np.ndarray) -> list[str]:
    """The best valid IOB2 sequence by trying them all (short sentences only)."""
    best, best_score = [], -np.inf
    for path in itertools.product(range(len(LABELS)), repeat=len(scores)):
        tags = [LABELS[i] for i in path]
        score = scores[np.arange(len(path)), path].sum()
        if not bio_problems(tags) and score > best_score:
            best, best_score = tags, score
    return best


def test_batched_viterbi_finds_the_best_valid_path_for_every_sentence_of_mixed_lengths():
    rng = np.random.default_rng(1)
    batch = [log_softmax(rng.normal(size=(n, len(LABELS)))) for n in (4, 1, 0, 3, 4, 2)]
    decoded = viterbi_batch(batch, LABELS, batch_words=8)  # small groups: several of them
    assert decoded == [_brute_force(scores) for scores in batch]
    assert decoded == [viterbi(scores, LABELS) for scores in batch]
    assert decode_batch(batch, LABELS, "greedy") == [greedy(s, LABELS) for s in batch]


def test_spans_from_label_ids_match_spans_from_tags_even_for_invalid_sequences():
    rng = np.random.default_rng(2)
    for length in [0, 1, 2, 5, 9] * 40:
        ids = rng.integers(0, len(LABELS), size=length)
        tags = [LABELS[i] for i in ids]
        assert ids_to_spans(ids, LABELS) == tags_to_spans(tags), tags
