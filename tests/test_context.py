"""Document context (FLERT): neighbours of the same document only, never labelled, the same
widening in training, evaluation and the Predictor."""

from pathlib import Path

import numpy as np
import pytest
from tiny import tiny_ner_config

from cronaca.inference import features
from cronaca.inference.context import with_context
from cronaca.inference.words import word_spans
from cronaca.training.data.documents import document_ids
from cronaca.training.data.records import Sentence

TEXTS = ["Il JNIM ha attaccato Acharan.", "Le SDF avanzano.", "Raid su Hajin.", "Roma è calma."]
DOCS = ["a", "a", "a", "b"]


def spans(texts):
    return [word_spans(t) for t in texts]


def test_context_comes_from_the_same_document_only_and_words_keep_their_text():
    widened, words = with_context(TEXTS, spans(TEXTS), DOCS, chars=200)
    assert widened[0] == "Il JNIM ha attaccato Acharan. Le SDF avanzano. Raid su Hajin."
    assert widened[1] == TEXTS[0] + " " + TEXTS[1] + " " + TEXTS[2]
    assert widened[3] == "Roma è calma."  # document b has no neighbour: nothing from a
    assert "Roma" not in widened[2]
    for text, old, new, wide in zip(TEXTS, spans(TEXTS), words, widened):
        assert [text[s:e] for s, e in old] == [wide[s:e] for s, e in new]


def test_context_is_cut_at_a_space_and_zero_means_none():
    widened, _ = with_context(TEXTS, spans(TEXTS), DOCS, chars=10)
    left = widened[1][: widened[1].index(TEXTS[1])].strip()
    assert left and len(left) <= 10 and TEXTS[0].endswith(left)  # whole words of the end
    assert with_context(TEXTS, spans(TEXTS), DOCS, chars=0)[0] == TEXTS
    with pytest.raises(ValueError, match="document ids"):
        with_context(TEXTS, spans(TEXTS), DOCS[:2], chars=10)


def test_context_tokens_never_get_labels(tiny_model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    widened, words = with_context(TEXTS, spans(TEXTS), DOCS, chars=200)
    windows = features.encode(tokenizer, widened, words, max_length=256, stride=32)
    for window, text, own, wide in zip(windows, TEXTS, spans(TEXTS), widened):
        labels = np.asarray(features.token_labels(window, [1] * len(own)))
        labelled = np.flatnonzero(labels != features.IGNORE)
        assert len(labelled) == len(own)  # the sentence's own words, no context word
        if not wide.startswith(text):  # left context: its tokens come first, unlabelled
            assert labelled.min() > 1
        if not wide.endswith(text):  # right context: after the last labelled token
            assert labelled.max() < len(window) - 2


def column(stem, texts, start=0):
    return [
        Sentence(
            f"{stem}:{start + k}", t, *zip(*[(t[s:e], (s, e)) for s, e in word_spans(t)]), None
        )
        for k, t in enumerate(texts)
    ]


def test_documents_are_cut_at_titles_files_and_gaps():
    wn = column(
        "WN_train",
        [
            "Scontri a Tripoli",
            "Ieri a Tripoli ci sono stati scontri.",
            "Le milizie si sono ritirate.",
            "Accordo firmato a Ginevra",
            "Le parti hanno firmato un accordo.",
        ],
    )
    fic = column("FIC_train", ["Era notte.", "Pioveva."])
    gap = column("WN_train", ["Dopo un salto.", "Ancora."], start=40)
    ids = document_ids(wn + fic + gap)
    assert ids[0] == ids[1] == ids[2] != ids[3] == ids[4]  # a title opens an article
    assert ids[5] == ids[6] and ids[5] not in ids[:5]  # another file, another document
    assert ids[7] == ids[8] and ids[7] not in ids[:7]  # a gap in the ids ends a document
    news = [Sentence("nib-1", "Titolo", ("Titolo",), ((0, 6),), None, meta={"document": "x"})]
    assert document_ids(news) == ["x"]


def test_a_model_trained_with_context_saves_it_and_reads_documents(tmp_path, tiny_model_dir):
    from cronaca.inference.predictor import Predictor
    from cronaca.inference.tagger import ModelTagger
    from cronaca.training.tasks.train import train

    rows = [("Il", "O"), ("JNIM", "B-ORG"), ("attacca", "O"), ("Acharan", "B-LOC"), (".", "O")]
    tsv = tmp_path / "train.tsv"
    tsv.write_text("\n\n".join("\n".join(f"{t}\t{g}" for t, g in rows) for _ in range(6)) + "\n")
    config = tiny_ner_config(tiny_model_dir, tmp_path, tsv, tsv, {"features.context": 40})
    train(config)
    tagger = ModelTagger.from_pretrained(Path(config.output_dir) / "model", device="cpu")
    assert tagger.context == 40
    text = "Il JNIM attacca Acharan. Le SDF avanzano verso Hajin."
    document = Predictor(tagger).predict([text])[0]
    assert all(text[e.start : e.end] == e.text for e in document.entities)
    # the same sentences read alone and read in their document differ in their input only
    sentences = ["Il JNIM attacca Acharan.", "Le SDF avanzano verso Hajin."]
    alone = tagger.word_log_probs(sentences, spans(sentences))
    together = tagger.word_log_probs(sentences, spans(sentences), documents=[0, 0])
    assert [a.shape for a in alone] == [t.shape for t in together]
    assert not np.allclose(alone[0], together[0])


def test_context_is_refused_for_event_models():
    from cronaca.training.config import load_config

    with pytest.raises(ValueError, match="features.context"):
        load_config(
            "configs/events.yaml" if Path("configs").is_dir() else None,
            overrides=["features.context=50"],
        )
