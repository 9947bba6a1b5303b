"""A fine-tuned token-classification model behind the ``WordTagger`` protocol.

A saved model directory is self-describing: ``config.json`` holds ``id2label``, and
``cronaca.json`` the feature settings it was trained with (window length, stride, context),
so inference windows texts exactly as training did.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from . import features
from .batching import budget_batches, pad_batch
from .decoding import greedy, log_softmax, viterbi
from .protocols import WordSpans

SETTINGS_FILE = "cronaca.json"


@dataclass(frozen=True)
class TaggerSettings:
    max_length: int = 256
    stride: int = 32
    decode: str = "viterbi"

    @classmethod
    def load(cls, directory: Path) -> TaggerSettings:
        path = Path(directory) / SETTINGS_FILE
        return cls(**json.loads(path.read_text())) if path.is_file() else cls()


def resolve_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


class ModelTagger:
    """Tags words with a token-classification model, window by window, in length-sorted batches."""

    def __init__(self, model, tokenizer, settings: TaggerSettings = TaggerSettings(), name="model"):
        self.model, self.tokenizer, self.settings, self.name = model, tokenizer, settings, name
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]

    @classmethod
    def from_pretrained(cls, path: str | Path, device: str = "auto") -> ModelTagger:
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        model = AutoModelForTokenClassification.from_pretrained(str(path))
        model.to(resolve_device(device)).eval()
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        return cls(model, tokenizer, TaggerSettings.load(Path(path)), name=Path(path).name)

    def word_log_probs(
        self,
        texts: Sequence[str],
        words: Sequence[WordSpans],
        batch_tokens: int = 8192,
        show_progress: bool = False,
    ) -> list[np.ndarray]:
        """``[n_words, n_labels]`` log-probabilities per text."""
        windows = features.encode(
            self.tokenizer, texts, words, self.settings.max_length, self.settings.stride
        )
        scores: list[np.ndarray | None] = [None] * len(windows)
        batches = budget_batches([len(w) for w in windows], batch_tokens, max_batch_size=256)
        device = next(self.model.parameters()).device
        was_training = self.model.training
        self.model.eval()
        with torch.inference_mode():
            for batch in tqdm(batches, desc="tagging", unit="batch", disable=not show_progress):
                inputs = pad_batch(
                    [windows[i].input_ids for i in batch], self.tokenizer.pad_token_id
                )
                logits = self.model(**{k: v.to(device) for k, v in inputs.items()}).logits
                logits = logits.float().cpu().numpy()
                for row, index in enumerate(batch):
                    scores[index] = logits[row, : len(windows[index])]
        self.model.train(was_training)
        per_word = features.gather_word_scores(windows, scores, [len(w) for w in words])
        return [log_softmax(s) for s in per_word]

    def tag_words(
        self, texts: Sequence[str], words: Sequence[WordSpans], show_progress: bool = False
    ) -> list[list[str]]:
        decode = viterbi if self.settings.decode == "viterbi" else greedy
        return [
            decode(scores, self.labels)
            for scores in self.word_log_probs(texts, words, show_progress=show_progress)
        ]
