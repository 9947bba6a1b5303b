"""Fine-tuning end to end on a tiny model: train, save, load, tag, resume, reproducibility."""

import json
from pathlib import Path

import pytest

from cronaca.inference.tagger import ModelTagger
from cronaca.training.config import load_config
from cronaca.training.tasks.train import train

TRAIN = [
    [
        ("Il", "O"),
        ("JNIM", "B-ORG"),
        ("ha", "O"),
        ("attaccato", "O"),
        ("Acharan", "B-LOC"),
        (".", "O"),
    ],
    [("Mario", "B-PER"), ("Rossi", "I-PER"), ("è", "O"), ("a", "O"), ("Roma", "B-LOC"), (".", "O")],
    [
        ("Le", "O"),
        ("SDF", "B-ORG"),
        ("avanzano", "O"),
        ("verso", "O"),
        ("Hajin", "B-LOC"),
        (".", "O"),
    ],
    [("Raid", "O"), ("su", "O"), ("Deir", "B-LOC"), ("Ezzor", "I-LOC"), (".", "O")],
]


def write_tsv(path: Path, sentences) -> str:
    path.write_text("\n\n".join("\n".join(f"{t}\t{g}" for t, g in s) for s in sentences) + "\n")
    return str(path)


@pytest.fixture()
def config(tmp_path, tiny_model_dir):
    def make(**overrides):
        settings = {
            "base_model": str(tiny_model_dir),
            "output_dir": str(tmp_path / "run"),
            "data.train": [write_tsv(tmp_path / "train.tsv", TRAIN * 8)],
            "data.dev": [write_tsv(tmp_path / "dev.tsv", TRAIN)],
            "training.epochs": 2,
            "training.batch_tokens": 256,
            "training.max_batch_size": 8,
            "training.learning_rate": 1e-3,
            "training.freeze_word_embeddings": False,
            "training.checkpoint_every_steps": 3,
            "training.precision": "fp32",
        } | overrides
        return load_config(
            "configs/ner-kind.yaml" if Path("configs").is_dir() else None,
            overrides=[f"{k}={json.dumps(v)}" for k, v in settings.items()],
        )

    return make


def test_train_saves_a_self_describing_model_that_tags(config):
    cfg = config()
    result = train(cfg)
    model_dir = Path(cfg.output_dir) / "model"
    saved = json.loads((model_dir / "config.json").read_text())
    assert saved["id2label"] == {
        "0": "O",
        "1": "B-PER",
        "2": "I-PER",
        "3": "B-ORG",
        "4": "I-ORG",
        "5": "B-LOC",
        "6": "I-LOC",
    }
    assert (model_dir / "training_config.yaml").is_file() and (model_dir / "scores.json").is_file()
    assert len(result["history"]) == 2 and result["steps"] > 0
    tagger = ModelTagger.from_pretrained(model_dir, device="cpu")
    texts = ["Mario Rossi è a Roma.", ""]
    words = [[(0, 5), (6, 11), (12, 13), (14, 15), (16, 20), (20, 21)], []]
    tags = tagger.tag_words(texts, words)
    assert len(tags[0]) == 6 and tags[1] == []


def test_same_seed_same_scores(config, tmp_path):
    first = train(config(output_dir=str(tmp_path / "a")))
    second = train(config(output_dir=str(tmp_path / "b")))
    assert [h["loss"] for h in first["history"]] == [h["loss"] for h in second["history"]]
    assert first["best_dev_score"] == second["best_dev_score"]


def test_resume_continues_from_the_checkpoint(config, tmp_path, monkeypatch):
    from cronaca.training.tasks import ner as train_module

    straight = train(config(output_dir=str(tmp_path / "straight")))
    cfg = config(output_dir=str(tmp_path / "resumed"))
    real_pad, calls = train_module.pad_batch, []

    def interrupted(*args, **kwargs):  # killed during step 8, after the step-6 checkpoint
        calls.append(1)
        if len(calls) == 8:
            raise KeyboardInterrupt
        return real_pad(*args, **kwargs)

    monkeypatch.setattr(train_module, "pad_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train(cfg)
    monkeypatch.setattr(train_module, "pad_batch", real_pad)
    resumed = train(cfg, resume=True)
    assert resumed["steps"] == straight["steps"]
    assert resumed["history"][-1]["loss"] == pytest.approx(
        straight["history"][-1]["loss"], rel=1e-4
    )


def test_training_refuses_the_held_out_benchmark(config, tmp_path):
    held_out = write_tsv(tmp_path / "WN_test.tsv", TRAIN)
    with pytest.raises(ValueError, match="held-out"):
        train(config(**{"data.dev": [held_out]}))
