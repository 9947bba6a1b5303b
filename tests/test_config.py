from pathlib import Path

import pytest

from cronaca.training.config import ExperimentConfig, load_config

CONFIGS = sorted(Path(__file__).parents[1].joinpath("configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_every_shipped_config_and_profile_loads(path):
    config = load_config(path)
    assert isinstance(config, ExperimentConfig)
    for profile in config.profiles:
        assert isinstance(load_config(path, profile), ExperimentConfig)
    assert not any("WN_test" in name for name in config.data.train + config.data.dev)


def test_profile_then_overrides_apply_in_order():
    path = Path(__file__).parents[1] / "configs" / "ner-kind.yaml"
    config = load_config(path, "quick", ["training.epochs=5", "training.learning_rate=3e-5"])
    assert config.training.epochs == 5.0 and config.training.learning_rate == 3e-5
    assert config.output_dir.endswith("quick")  # from the profile


def test_unknown_keys_and_wrong_types_are_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("training:\n  epoch: 3\n")
    with pytest.raises(ValueError, match=r"training: unknown key\(s\) \['epoch'\]"):
        load_config(bad)
    with pytest.raises(ValueError, match="training.epochs"):
        load_config(None, overrides=["training.epochs=three"])
    with pytest.raises(ValueError, match="not key=value"):
        load_config(None, overrides=["training.epochs"])


def test_list_items_are_checked_and_named():
    with pytest.raises(ValueError, match=r"data\.train\[0\]: 1 is not a <class 'str'>"):
        load_config(None, overrides=["data.train=[1,2]"])
    with pytest.raises(ValueError, match="data.train: 'a.tsv' is not a list"):
        load_config(None, overrides=["data.train=a.tsv"])
    assert load_config(None, overrides=["data.train=[a.tsv,b.tsv]"]).data.train == [
        "a.tsv",
        "b.tsv",
    ]
