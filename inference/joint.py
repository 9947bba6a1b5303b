"""A joint model (:mod:`.joint_model`) behind both protocols, and its one-pass analysis.

``JointModel`` is an ``EntityTagger`` and an ``EventLabeller`` at once, so every harness and
tool that takes either takes it. Called through one protocol at a time it runs the encoder
for that call; :meth:`JointModel.analyse` runs it once for both, and the
:class:`~cronaca.inference.predictor.Predictor` calls that whenever its tagger and labeller
are the same joint model. Windows, word reading, decoding, the max over a long sentence's
windows and the thresholds are those of the single-task models (the same functions), so the
shared pass changes the cost, not the outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import features
from .decisions import resolve_thresholds
from .decoding import decode_batch
from .event_labeller import add_window_probabilities, scores_by_label
from .protocols import WordSpans
from .runtime import forward_outputs, load_for_inference
from .settings import JOINT_MODEL_TYPE, ModelSettings
from .tagger import gathered_log_probs, scored_entities
from .types import Entity

MODEL_TYPE = JOINT_MODEL_TYPE


class JointModel:
    """Entities and event types of each sentence from one pass of one encoder."""

    def __init__(self, model, tokenizer, settings: ModelSettings | None = None, name="joint"):
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.settings = settings or ModelSettings()
        config = model.config
        self.tags = [config.id2label[i] for i in range(config.num_labels)]
        self.labels = list(config.event_labels)  # the EventLabeller protocol's labels
        self.thresholds = resolve_thresholds(self.labels, self.settings.thresholds)

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        device: str = "auto",
        precision: str = "auto",
        allow_pickle: bool = False,
        runtime: str = "auto",
    ) -> JointModel:
        from transformers import AutoModelForTokenClassification

        from . import joint_model  # noqa: F401  registers the joint model type

        model, tokenizer, settings = load_for_inference(
            AutoModelForTokenClassification, path, device, precision, allow_pickle, runtime, "joint"
        )
        return cls(model, tokenizer, settings, name=Path(path).name)

    def _pass(
        self, texts: Sequence[str], words: Sequence[WordSpans] | None, batch_size: int
    ) -> tuple[list[np.ndarray] | None, np.ndarray]:
        """One forward pass: per text its words' log-probabilities (``None`` without
        ``words``) and ``[len(texts), n_types]`` event probabilities."""
        windows = features.encode(
            self.tokenizer, texts, words, self.settings.max_length, self.settings.stride
        )
        token_scores: list[np.ndarray | None] = [None] * len(windows)
        events = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        rows = [window.input_ids for window in windows]
        names = ("logits", "event_logits")
        for batch, out in forward_outputs(
            self.model, rows, self.tokenizer.pad_token_id, names, batch_size, desc="joint"
        ):
            for row, index in enumerate(batch):
                token_scores[index] = out["logits"][row, : len(windows[index])]
            add_window_probabilities(events, [windows[i] for i in batch], out["event_logits"])
        log_probs = gathered_log_probs(windows, token_scores, words) if words is not None else None
        return log_probs, events

    def analyse(
        self, texts: Sequence[str], words: Sequence[WordSpans], batch_size: int = 32
    ) -> tuple[list[list[Entity]], list[dict[str, float]]]:
        """Each text's entities and event-type scores, from one encoder pass."""
        log_probs, events = self._pass(texts, words, batch_size)
        entities = scored_entities(texts, words, log_probs, self.tags, self.settings.decode)
        return entities, scores_by_label(events, self.labels)

    # --- the EntityTagger protocol (and the word probabilities ``cronaca select`` reads)

    def word_log_probs(
        self, texts: Sequence[str], words: Sequence[WordSpans], batch_size: int = 32
    ) -> list[np.ndarray]:
        return self._pass(texts, words, batch_size)[0]

    def tag_entities(
        self, texts: Sequence[str], words: Sequence[WordSpans], batch_size: int = 32
    ) -> list[list[Entity]]:
        return self.analyse(texts, words, batch_size)[0]

    def tag_words(self, texts: Sequence[str], words: Sequence[WordSpans], batch_size: int = 32):
        """IOB2 tags per word (the ``WordTagger`` protocol of the entity harness)."""
        log_probs = self.word_log_probs(texts, words, batch_size)
        return decode_batch(log_probs, self.tags, self.settings.decode)

    # --- the EventLabeller protocol

    def event_scores(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        """Per text (one unit each), every type's probability (no words read)."""
        return scores_by_label(self._pass(texts, None, batch_size)[1], self.labels)
