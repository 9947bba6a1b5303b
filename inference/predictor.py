"""The Python API: saved model directories in, ``Document`` results with character offsets out.

    predictor = Predictor.from_pretrained(entities="runs/ner-kind-full/model",
                                          events="runs/events-full/model", device="auto")
    documents = predictor.predict(texts, batch_size=64, show_progress=True)

Texts are cut into sentences, sentences into words (the same word definition as training);
each sentence is tagged and labelled as a unit, long ones in overlapping windows, so nothing is
ever truncated. Empty texts keep their place and come back empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .decoding import viterbi
from .event_labeller import ModelEventLabeller
from .labels import tags_to_spans
from .sentences import sentence_spans
from .tagger import ModelTagger
from .types import Document, Entity, EventLabel, Sentence
from .words import word_spans


class Predictor:
    def __init__(
        self, tagger: ModelTagger | None = None, labeller: ModelEventLabeller | None = None
    ):
        if tagger is None and labeller is None:
            raise ValueError("a Predictor needs an entity model, an event model, or both")
        self.tagger, self.labeller = tagger, labeller

    @classmethod
    def from_pretrained(
        cls,
        entities: str | Path | None = None,
        events: str | Path | None = None,
        device: str = "auto",
    ) -> Predictor:
        tagger = ModelTagger.from_pretrained(entities, device) if entities else None
        labeller = ModelEventLabeller.from_pretrained(events, device) if events else None
        return cls(tagger, labeller)

    def predict(
        self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False
    ) -> list[Document]:
        """One ``Document`` per text, in input order."""
        documents: list[Document] = []
        starts = range(0, len(texts), batch_size)
        for start in tqdm(starts, desc="documents", unit="batch", disable=not show_progress):
            documents += self._predict_batch(texts[start : start + batch_size])
        return documents

    def _predict_batch(self, texts: Sequence[str]) -> list[Document]:
        spans = [sentence_spans(text) for text in texts]
        flat = [(i, s, e) for i, text_spans in enumerate(spans) for s, e in text_spans]
        sentences = [texts[i][s:e] for i, s, e in flat]
        entities = self._entities(sentences) if self.tagger else [[] for _ in sentences]
        events = self._events(sentences) if self.labeller else [() for _ in sentences]
        per_text: list[dict] = [{"entities": [], "sentences": []} for _ in texts]
        for (i, offset, end), found, labels in zip(flat, entities, events):
            for entity in found:
                s, e = entity.start + offset, entity.end + offset
                per_text[i]["entities"].append(
                    Entity(s, e, entity.label, entity.score, texts[i][s:e])
                )
            index = len(per_text[i]["sentences"])
            labels = tuple(EventLabel(x.label, x.score, index) for x in labels)
            per_text[i]["sentences"].append(Sentence(offset, end, labels))
        return [
            Document(
                text,
                tuple(parts["entities"]),
                tuple(parts["sentences"]),
                document_events(parts["sentences"]),
            )
            for text, parts in zip(texts, per_text)
        ]

    def _entities(self, sentences: list[str]) -> list[list[Entity]]:
        words = [word_spans(sentence) for sentence in sentences]
        log_probs = self.tagger.word_log_probs(sentences, words)
        result = []
        for sentence, spans, scores in zip(sentences, words, log_probs):
            tags = viterbi(scores, self.tagger.labels)
            label_ids = [self.tagger.labels.index(tag) for tag in tags]
            chosen = np.exp(scores[np.arange(len(tags)), label_ids])  # each word's tag probability
            found = []
            for span in tags_to_spans(tags):
                s, e = spans[span.start][0], spans[span.end - 1][1]
                score = float(np.mean(chosen[span.start : span.end]))
                found.append(Entity(s, e, span.label, score, sentence[s:e]))
            result.append(found)
        return result

    def _events(self, sentences: list[str]) -> list[tuple[EventLabel, ...]]:
        probabilities = self.labeller.text_probabilities(sentences)
        return [
            tuple(EventLabel(label, score) for label, score in predicted)
            for predicted in self.labeller.above_threshold(probabilities)
        ]


def document_events(sentences: Sequence[Sentence]) -> tuple[EventLabel, ...]:
    """The union of the sentences' event types, each with its best-scoring sentence."""
    best: dict[str, EventLabel] = {}
    for sentence in sentences:
        for event in sentence.events:
            if event.label not in best or event.score > best[event.label].score:
                best[event.label] = event
    return tuple(sorted(best.values(), key=lambda event: -event.score))
