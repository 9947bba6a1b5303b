"""The rule baselines served like models: ``Predictor(entities=…, events=…)`` with protocol
objects, and ``cronaca predict --model gazetteer --model keywords`` (alone or mixed with a saved
model directory), with the same output records as model directories give."""

import json
import subprocess
import sys

import pytest

from cronaca.inference.batch_job import read_inputs, run_job
from cronaca.inference.labels import tags_to_spans
from cronaca.inference.predictor import Predictor
from cronaca.inference.tagger import ModelTagger
from cronaca.inference.words import word_spans
from cronaca.training.baselines.gazetteer import GazetteerTagger
from cronaca.training.baselines.keywords import KeywordEventLabeller
from cronaca.training.baselines.registry import RULE_MODELS, resolve_models
from cronaca.training.cli import main

TEXT = (
    "Il JNIM ha attaccato una base militare vicino a Timbuctù.\n"
    "Migliaia di persone in corteo a Roma contro la guerra. Il presidente ha incontrato il "
    "ministro a Bruxelles."
)
NAMES = {("JNIM",): "ORG", ("Roma",): "LOC", ("Deir", "Ezzor"): "LOC"}


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def tiny_shared_data(tmp_path, monkeypatch):
    """A shared data folder with tiny gazetteer files and training split in the real places,
    so ``--model gazetteer`` runs the default-path logic without the real (large) files."""
    data = tmp_path / "data"
    (data / "gazetteers").mkdir(parents=True)
    (data / "gazetteers" / "ucdp-actor-221.csv").write_text(
        "Org,NameData,NameOrigFullEng\n1,JNIM,Jama'at Nasr al-Islam wal Muslimin\n"
        "4,Government of Mali,\n",
        encoding="utf-8",
    )
    (data / "gazetteers" / "kind-it-ORG-wikipedia.txt").write_text(
        "ORG Nazioni Unite\n", encoding="utf-8"
    )
    (data / "kind" / "evalita-2023").mkdir(parents=True)
    (data / "kind" / "evalita-2023" / "WN_train.tsv").write_text(
        "Corteo\tO\na\tO\nRoma\tB-LOC\n.\tO\n", encoding="utf-8"
    )
    monkeypatch.setenv("CRONACA_DATA", str(data))
    return data


def test_rule_baselines_serve_the_python_api():
    predictor = Predictor(entities=GazetteerTagger(NAMES), events=KeywordEventLabeller())
    (document, empty) = predictor.predict([TEXT, ""])
    assert [(e.label, e.text) for e in document.entities] == [("ORG", "JNIM"), ("LOC", "Roma")]
    for entity in document.entities:  # offsets into the whole text, not into the sentence
        assert TEXT[entity.start : entity.end] == entity.text and entity.score == 1.0
    assert len(document.sentences) == 3
    assert [[e.label for e in s.events] for s in document.sentences[1:]] == [["protest"], []]
    assert ("protest", 1) in {(e.label, e.sentence) for e in document.events}
    assert empty.entities == () and empty.events == ()


def test_a_wrong_object_is_refused_at_construction():
    with pytest.raises(TypeError, match="entities: KeywordEventLabeller is not an EntityTagger"):
        Predictor(entities=KeywordEventLabeller())
    with pytest.raises(TypeError, match="events: GazetteerTagger is not an EventLabeller"):
        Predictor(events=GazetteerTagger(NAMES))
    with pytest.raises(TypeError, match="neither"):
        Predictor.from_models([object()])


def test_model_tagger_entities_are_its_decoded_tags(tiny_predictor_dirs):
    tagger = ModelTagger.from_pretrained(tiny_predictor_dirs[0], device="cpu", precision="fp32")
    sentences = [TEXT.splitlines()[0], "Roma e Milano.", ""]
    words = [word_spans(sentence) for sentence in sentences]
    tags = tagger.tag_words(sentences, words)
    found = tagger.tag_entities(sentences, words)
    assert found[0] and found[2] == []
    for sentence, spans, row, entities in zip(sentences, words, tags, found):
        expected = [(spans[s.start][0], spans[s.end - 1][1], s.label) for s in tags_to_spans(row)]
        assert [(e.start, e.end, e.label) for e in entities] == expected
        assert all(sentence[e.start : e.end] == e.text and 0 < e.score <= 1 for e in entities)


def test_a_model_directory_and_a_baseline_mix(tiny_predictor_dirs):
    ner, events = tiny_predictor_dirs
    predictor = Predictor.from_models([KeywordEventLabeller(), ner], device="cpu")
    assert isinstance(predictor.tagger, ModelTagger) and predictor.labeller.name == "keywords"
    (document,) = predictor.predict([TEXT])
    assert document.entities  # the tiny tagger leans towards B-LOC
    assert {e.label for e in document.events} == {"protest"}  # keywords, not thresholds of 0
    with pytest.raises(ValueError, match="two entities models given: gazetteer and "):
        Predictor.from_models([GazetteerTagger(NAMES), ner], device="cpu")
    with pytest.raises(ValueError, match="two events models"):
        Predictor.from_models([events, KeywordEventLabeller()], device="cpu")


def test_rule_names_resolve_on_the_training_side(tiny_shared_data, tmp_path):
    gazetteer, keywords = resolve_models(["gazetteer", "keywords"])
    assert gazetteer.names[("JNIM",)] == "ORG" and gazetteer.names[("Mali",)] == "LOC"
    assert gazetteer.names[("Nazioni", "Unite")] == "ORG" and gazetteer.names[("Roma",)] == "LOC"
    (only_ucdp,) = resolve_models(["gazetteer:ucdp"])
    assert only_ucdp.name == "gazetteer:ucdp" and ("Roma",) not in only_ucdp.names
    assert isinstance(keywords, KeywordEventLabeller)
    assert resolve_models([str(tmp_path)]) == [tmp_path]  # a directory is loaded later
    with pytest.raises(ValueError, match=r"choices: gazetteer \(entities\), keywords \(events\)"):
        resolve_models(["gazeteer"])
    assert set(RULE_MODELS) == {"gazetteer", "keywords"}


def test_predict_serves_the_baselines_with_the_model_record_schema(
    tiny_shared_data, tiny_predictor_dirs, tmp_path, capsys
):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a1", "text": TEXT}) + "\n", encoding="utf-8")
    rules, mixed = tmp_path / "rules.jsonl", tmp_path / "mixed.jsonl"
    common = ["--input", str(source), "--device", "cpu", "--quiet"]
    assert main(["predict", "--model", "gazetteer", "--model", "keywords", *common,
                 "--output", str(rules)]) == 0  # fmt: skip
    (record,) = _records(rules)
    assert [(e["label"], e["text"]) for e in record["entities"]] == [
        ("ORG", "JNIM"),
        ("LOC", "Roma"),
    ]
    assert all(TEXT[e["start"] : e["end"]] == e["text"] for e in record["entities"])
    assert [e["label"] for e in record["events"]] == ["protest"]

    ner, _ = tiny_predictor_dirs
    assert main(["predict", "--model", str(ner), "--model", "keywords", *common,
                 "--output", str(mixed)]) == 0  # fmt: skip
    (from_model,) = _records(mixed)
    models = Predictor.from_pretrained(*tiny_predictor_dirs, device="cpu")
    run_job(models, read_inputs(source), tmp_path / "models.jsonl", show_progress=False)
    (from_dirs,) = _records(tmp_path / "models.jsonl")
    for other in (from_model, from_dirs):  # the same schema, key for key, at every level
        assert record.keys() == other.keys()
        assert record["entities"][0].keys() == other["entities"][0].keys()
        assert record["sentences"][0].keys() == other["sentences"][0].keys()
        assert record["events"][0].keys() == other["events"][0].keys()

    assert main(["predict", "--model", "keywordz", *common, "--output", str(rules)]) == 2
    error = capsys.readouterr().err
    assert "'keywordz'" in error and "gazetteer (entities), keywords (events)" in error


def test_the_runtime_core_never_imports_training():
    code = (
        "import sys, cronaca.inference.predictor, cronaca.inference.batch_job; "
        "assert not [m for m in sys.modules if m.startswith('cronaca.training')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
