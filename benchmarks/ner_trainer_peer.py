"""The peer recipe: plain Hugging Face Trainer token classification, as run_ner.py does it.

Words are given to the tokenizer pre-split (``is_split_into_words=True``), the first sub-token
of each word carries the label and the rest -100, sequences are truncated at ``max_length``,
predictions are read back with per-token argmax. Used by ``ner_benchmark.py`` to train on the
same files, for the same epochs, from the same encoder as cronaca, in the same run.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def encode(tokenizer, sentences, max_length):
    """The recipe's tokenisation: pre-split words, truncated (long sentences lose words)."""
    return tokenizer(
        [list(s.tokens) for s in sentences],
        is_split_into_words=True,
        truncation=True,
        max_length=max_length,
    )


def first_subtokens(batch, i):
    """``(token position, word index)`` of each word's first sub-token in row ``i``."""
    previous, pairs = None, []
    for position, word in enumerate(batch.word_ids(i)):
        if word is not None and word != previous:
            pairs.append((position, word))
        previous = word
    return pairs


def features(tokenizer, sentences, max_length, label2id=None):
    batch = encode(tokenizer, sentences, max_length)
    rows = []
    for i, sentence in enumerate(sentences):
        row = {"input_ids": batch["input_ids"][i], "attention_mask": batch["attention_mask"][i]}
        if label2id is not None:
            labels = [-100] * len(row["input_ids"])
            for position, word in first_subtokens(batch, i):
                labels[position] = label2id[sentence.tags[word]]
            row["labels"] = labels
        rows.append(row)
    return rows, batch


def predict_tags(trainer, tokenizer, sentences, id2label, max_length):
    """Per-word argmax at each word's first sub-token; words cut by truncation get O."""
    rows, batch = features(tokenizer, sentences, max_length)
    # rows keep input order: the peer trains without length grouping
    logits = trainer.predict(rows).predictions
    tags = []
    for i, sentence in enumerate(sentences):
        row = ["O"] * len(sentence.tokens)
        for position, word in first_subtokens(batch, i):
            row[word] = id2label[int(np.argmax(logits[i][position]))]
        tags.append(row)
    return tags


def train_peer(
    base_model: str,
    train_set,
    labels,
    out_dir: Path,
    epochs: float,
    seed: int,
    learning_rate: float = 5e-5,
    batch_size: int = 32,
    max_length: int = 128,
):
    """Returns ``(trainer, tokenizer, id2label, train_seconds)``."""
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
    )

    id2label = dict(enumerate(labels))
    label2id = {label: i for i, label in id2label.items()}
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    model = AutoModelForTokenClassification.from_pretrained(
        base_model, num_labels=len(labels), id2label=id2label, label2id=label2id
    )
    args = TrainingArguments(
        output_dir=str(out_dir),
        learning_rate=learning_rate,
        per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=64,
        num_train_epochs=epochs,
        weight_decay=0.01,
        seed=seed,
        save_strategy="no",
        report_to=[],
        logging_steps=50,
        disable_tqdm=False,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=features(tokenizer, train_set, max_length, label2id)[0],
        data_collator=DataCollatorForTokenClassification(tokenizer),
    )
    started = time.perf_counter()
    trainer.train()
    return trainer, tokenizer, id2label, time.perf_counter() - started
