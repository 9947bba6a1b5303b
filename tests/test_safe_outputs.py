"""Safe outputs: a model directory is written aside and renamed into place, and loading refuses
pickle weights unless asked."""

import json

import pytest
import torch

from cronaca.inference.event_labeller import ModelEventLabeller
from cronaca.inference.settings import ModelSettings
from cronaca.inference.tagger import ModelTagger
from cronaca.training.config import load_config
from cronaca.training.tasks.common import recover_dir, save_model


@pytest.fixture()
def tagger_parts(tiny_predictor_dirs):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    ner_dir, _ = tiny_predictor_dirs
    model = AutoModelForTokenClassification.from_pretrained(ner_dir)
    return model, AutoTokenizer.from_pretrained(ner_dir)


def _save(model, tokenizer, out, score):
    config = load_config(None, overrides=[])
    save_model(model, tokenizer, out, config, {"score": score}, ModelSettings())


def _weights(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def test_a_save_killed_mid_write_leaves_the_previous_model_whole(tagger_parts, tmp_path):
    model, tokenizer = tagger_parts
    out = tmp_path / "run" / "model"
    _save(model, tokenizer, out, 0.5)
    before = _weights(model)
    with torch.no_grad():
        model.classifier.bias.add_(1.0)  # the "better" model being saved when the kill comes

    def killed(*args, **kwargs):  # the weights are written, the tokenizer is not
        raise KeyboardInterrupt

    tokenizer.save_pretrained, real = killed, tokenizer.save_pretrained
    with pytest.raises(KeyboardInterrupt):
        _save(model, tokenizer, out, 0.9)
    tokenizer.save_pretrained = real
    assert json.loads((out / "scores.json").read_text())["score"] == 0.5
    loaded = ModelTagger.from_pretrained(out, device="cpu", precision="fp32")
    for name, tensor in loaded.model.state_dict().items():
        assert torch.equal(tensor, before[name]), name
    assert sorted(p.name for p in out.parent.iterdir()) == ["model"]  # nothing half-written

    _save(model, tokenizer, out, 0.9)  # the next save goes through and replaces it
    assert json.loads((out / "scores.json").read_text())["score"] == 0.9
    assert sorted(p.name for p in out.parent.iterdir()) == ["model"]
    reloaded = ModelTagger.from_pretrained(out, device="cpu", precision="fp32")
    assert torch.equal(reloaded.model.classifier.bias, model.classifier.bias)


def test_a_kill_between_the_renames_is_recovered(tagger_parts, tmp_path):
    model, tokenizer = tagger_parts
    out = tmp_path / "model"
    _save(model, tokenizer, out, 0.5)
    out.rename(tmp_path / ".model.previous")  # the state right after the first rename
    recover_dir(out)
    assert (out / "model.safetensors").is_file() and not (tmp_path / ".model.previous").exists()


def test_pickle_weights_are_refused_unless_allowed(tiny_predictor_dirs, tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    for source, auto, loader in (
        (tiny_predictor_dirs[0], AutoModelForTokenClassification, ModelTagger),
        (tiny_predictor_dirs[1], AutoModelForSequenceClassification, ModelEventLabeller),
    ):
        pickled = tmp_path / source.name
        model = auto.from_pretrained(source)
        model.save_pretrained(pickled)
        (pickled / "model.safetensors").unlink()
        torch.save(model.state_dict(), pickled / "pytorch_model.bin")
        for extra in source.iterdir():  # tokenizer and cronaca.json
            if extra.suffix != ".safetensors" and not (pickled / extra.name).exists():
                (pickled / extra.name).write_bytes(extra.read_bytes())
        with pytest.raises(ValueError, match=r"only pickle weights \(pytorch_model.bin\)"):
            loader.from_pretrained(pickled, device="cpu", precision="fp32")
        allowed = loader.from_pretrained(pickled, device="cpu", precision="fp32", allow_pickle=True)
        for name, tensor in allowed.model.state_dict().items():
            assert torch.equal(tensor, model.state_dict()[name]), name
