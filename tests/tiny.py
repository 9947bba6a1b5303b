"""Tiny models built in-process for the fast tests: no network, no shared data, seconds.

The tokenizer is trained on a few Italian sentences written for these tests and rebuilt
with the same builder as the embedded encoder's, so fixtures run the real tokenizer path
(normaliser, metaspace, Unigram, ``<s> … </s>``). The encoder is a 2-layer BERT.
"""

from __future__ import annotations

import json
from pathlib import Path

from cronaca.training.embedded_encoder import build_unigram_tokenizer, save_tokenizer

ROOT = Path(__file__).resolve().parents[1]
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
SPECIAL_IDS = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}

# Our own sentences in the style of the target news (not taken from any corpus).
TEXTS = [
    "Il JNIM ha attaccato una base militare vicino a Timbuctù.",
    "Le forze curde hanno spostato i check point a nord di Deir Ezzor.",
    "Raid aerei della coalizione sul villaggio di Sha'Fah, almeno dieci morti.",
    "Migliaia di persone in corteo a Roma contro la guerra.",
    "La polizia ha arrestato tre sospetti militanti a Milano.",
    "Scontri tra manifestanti e polizia davanti al parlamento di Tbilisi.",
    "Il presidente Mario Rossi ha incontrato il ministro a Bruxelles.",
    "L'esercito siriano ha ripreso il controllo di Um Al-Khalakhil dopo l'offensiva.",
    "Un'autobomba è esplosa nel centro di Mogadiscio, decine i feriti.",
    "«È una tregua fragile», ha detto il portavoce dell'ONU a Ginevra.",
    "Hamas e Israele hanno firmato un accordo per il cessate il fuoco.",
    "I miliziani dello Stato Islamico hanno rapito quindici civili.",
]


def tiny_tokenizer(vocab_size: int = 400):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    trainer_tok = Tokenizer(models.Unigram())
    trainer_tok.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=SPECIALS, unk_token="<unk>", show_progress=False
    )
    trainer_tok.train_from_iterator(TEXTS * 4, trainer=trainer)
    vocab = json.loads(trainer_tok.to_str())["model"]["vocab"]
    pieces, scores = [p for p, _ in vocab], [s for _, s in vocab]
    assert pieces[:4] == SPECIALS
    return build_unigram_tokenizer(pieces, scores, SPECIAL_IDS), pieces


def save_tiny_model(
    out: Path, hidden: int = 32, layers: int = 2, seed: int = 0, dropout: float = 0.1
) -> Path:
    """A Hugging Face directory shaped like the embedded encoder's, with random weights
    (``dropout=0``: training is deterministic across processes, whose RNG streams differ)."""
    import torch
    from transformers import BertConfig, BertModel

    tokenizer, pieces = tiny_tokenizer()
    save_tokenizer(tokenizer, pieces, SPECIAL_IDS, out)
    config = BertConfig(
        vocab_size=len(pieces),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        max_position_embeddings=512,
        pad_token_id=SPECIAL_IDS["pad"],
        hidden_dropout_prob=dropout,
        attention_probs_dropout_prob=dropout,
    )
    torch.manual_seed(seed)
    BertModel(config, add_pooling_layer=False).save_pretrained(str(out))
    return out


def tiny_ner_config(base: Path, tmp_path: Path, train: Path, dev: Path, settings: dict = ()):
    """``configs/ner-kind.yaml`` for a tiny model: one fp32 epoch on ``train``, scored on
    ``dev``, written under ``tmp_path/run``; ``settings`` are more dotted overrides."""
    from cronaca.training.config import load_config

    values = {
        "base_model": str(base),
        "output_dir": str(tmp_path / "run"),
        "data.train": [str(train)],
        "data.dev": [str(dev)],
        "training.epochs": 1,
        "training.precision": "fp32",
        **dict(settings),
    }
    overrides = [f"{key}={json.dumps(value)}" for key, value in values.items()]
    return load_config(ROOT / "configs" / "ner-kind.yaml", overrides=overrides)
