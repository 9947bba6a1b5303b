import numpy as np

from cronaca.inference.decoding import greedy, log_softmax, viterbi
from cronaca.inference.labels import bio_labels, bio_problems

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
