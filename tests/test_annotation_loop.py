"""The annotation loop on tiny models: pre-annotations out (Label Studio, Doccano), the labelling
configuration, corrections back in through the readers, training from an export, selection."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from tiny import tiny_ner_config

from cronaca.inference.labels import ENTITY_TYPES, EVENT_TYPES
from cronaca.inference.selection import (
    centred,
    choose,
    event_uncertainty,
    word_margin_uncertainty,
)
from cronaca.training.cli import main
from cronaca.training.config import load_config
from cronaca.training.data.corpora import read_corpus
from cronaca.training.data.records import CorpusError

ROOT = Path(__file__).resolve().parents[1]
STORY = "Un'autobomba è esplosa nel centro di Mogadiscio, decine i feriti tra i civili."
POOL = [
    "Il JNIM ha attaccato una base militare vicino a Timbuctù. Raid aerei su Hajin.",
    "Migliaia di persone in corteo a Roma contro la guerra.",
    "La polizia ha arrestato tre sospetti militanti a Milano.",
    "Il presidente Mario Rossi ha incontrato il ministro a Bruxelles.",
    "Hamas e Israele hanno firmato un accordo per il cessate il fuoco.",
    "I miliziani dello Stato Islamico hanno rapito quindici civili.",
    STORY,
    STORY.upper(),  # the same wire story as another outlet printed it
    STORY + " (ANSA)",
    "MOGADISCIO - " + STORY,
    "  " + STORY.replace(",", " ,") + "  ",
]
COPIES = set(range(6, len(POOL)))  # indices of the copies of STORY


def write_pool(path: Path, texts=POOL, bad_line: bool = False) -> Path:
    lines = [
        json.dumps({"id": f"d{i:02d}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)
    ]
    if bad_line:
        lines.insert(1, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*argv) -> None:
    assert main([str(a) for a in argv]) == 0


@pytest.fixture(scope="module")
def exported(tiny_predictor_dirs, tmp_path_factory) -> dict:
    """The pool predicted in all three formats (a bad JSON line in it), by format: the path."""
    ner, events = tiny_predictor_dirs
    folder = tmp_path_factory.mktemp("exports")
    pool = write_pool(folder / "pool.jsonl", POOL[:6], bad_line=True)
    paths = {"cronaca": "out.jsonl", "label-studio": "tasks.json", "doccano": "doccano.jsonl"}
    for fmt, name in paths.items():
        models = ["--model", ner, "--model", events]
        cli("predict", *models, "--input", pool, "--output", folder / name, "--format", fmt,
            "--device", "cpu", "--quiet")  # fmt: skip
    return {fmt: folder / name for fmt, name in paths.items()}


def predicted(exported) -> dict[str, tuple[list, tuple]]:
    """Per id, from the cronaca records: entity spans, event types (in EVENT_TYPES order)."""
    records = [json.loads(line) for line in exported["cronaca"].read_text().splitlines()]
    result = {}
    for r in records:
        if "error" in r:
            continue
        labels = {e["label"] for e in r["events"]}
        spans = [(e["start"], e["end"], e["label"]) for e in r["entities"]]
        result[r["id"]] = (spans, tuple(t for t in EVENT_TYPES if t in labels))
    return result


def as_corrected_export(tasks_path: Path, out: Path) -> Path:
    """What Label Studio exports when an annotator submits each prediction unchanged: the
    prediction's result as the annotation, and Label Studio's own task ids."""
    tasks = json.loads(tasks_path.read_text())
    for number, task in enumerate(tasks, start=101):
        task["id"] = number
        task["annotations"] = [{"id": number, "result": task.pop("predictions")[0]["result"]}]
    out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def test_label_studio_tasks_hold_the_predictions(exported):
    tasks = json.loads(exported["label-studio"].read_text())
    expected = predicted(exported)
    assert [t["data"]["id"] for t in tasks] == list(expected) and len(tasks) == 6
    for task in tasks:
        text, (prediction,) = task["data"]["text"], task["predictions"]
        assert "ner" in prediction["model_version"] and "events" in prediction["model_version"]
        labels = [r for r in prediction["result"] if r["type"] == "labels"]
        (choices,) = [r for r in prediction["result"] if r["type"] == "choices"]
        for r in labels:
            value = r["value"]
            assert text[value["start"] : value["end"]] == value["text"] and 0 <= r["score"] <= 1
        spans = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in labels]
        assert (spans, set(choices["value"]["choices"])) == (
            expected[task["data"]["id"]][0],
            set(expected[task["data"]["id"]][1]),
        )
        support = task["meta"]["events"]
        assert set(support) == set(choices["value"]["choices"])
        for s in support.values():
            assert text[s["start"] : s["end"]] == s["text"]
        assert prediction["score"] == min(r["score"] for r in prediction["result"])


def test_error_records_go_beside_the_tasks(exported):
    (error,) = [json.loads(x) for x in Path(f"{exported['doccano']}.errors.jsonl").open()]
    assert error["line"] == 2 and "not valid JSON" in error["error"]
    assert all("error" not in json.loads(x) for x in exported["doccano"].open())


def test_label_studio_export_reads_back_to_the_predicted_records(exported, tmp_path):
    expected = predicted(exported)
    corpus = read_corpus(as_corrected_export(exported["label-studio"], tmp_path / "ls.json"))
    assert [s.id for s in corpus] == list(expected)  # the document ids, not Label Studio's
    for sentence in corpus:
        assert (sentence.entity_char_spans(), sentence.events) == expected[sentence.id]
    # the pre-annotations themselves are tasks nobody annotated yet: no layer at all
    raw = read_corpus(exported["label-studio"])
    assert {(s.tags, s.events) for s in raw} == {(None, None)}


def test_doccano_export_reads_back_to_the_predicted_records(exported):
    expected = predicted(exported)
    corpus = read_corpus(exported["doccano"])
    assert [s.id for s in corpus] == list(expected)
    for sentence in corpus:
        assert (sentence.entity_char_spans(), sentence.events) == expected[sentence.id]


def test_doccano_empty_spans_and_categories_are_annotations(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Piove a dirotto.", "label": [], "cats": []}) + "\n")
    (sentence,) = read_corpus(path)
    assert sentence.tags == ("O", "O", "O", "O") and sentence.events == ()


def test_label_config_names_every_label_and_the_prediction_controls(
    tiny_predictor_dirs, exported, capsys
):
    ner, events = tiny_predictor_dirs
    cli("label-config", "--model", ner, "--model", events)
    root = ET.fromstring(capsys.readouterr().out)
    (labels,), (choices,), (text,) = (
        root.findall("Labels"),
        root.findall("Choices"),
        root.findall("Text"),
    )
    assert [x.get("value") for x in labels.findall("Label")] == list(ENTITY_TYPES)
    assert [x.get("value") for x in choices.findall("Choice")] == list(EVENT_TYPES)
    assert choices.get("choice") == "multiple"
    assert (text.get("name"), text.get("value")) == ("text", "$text")
    results = json.loads(exported["label-studio"].read_text())[0]["predictions"][0]["result"]
    controls = {r["type"]: (r["from_name"], r["to_name"]) for r in results}
    assert controls["labels"] == (labels.get("name"), labels.get("toName"))
    assert controls["choices"] == (choices.get("name"), choices.get("toName"))


def test_label_config_of_one_rule_model_has_one_layer(capsys):
    cli("label-config", "--model", "keywords")
    root = ET.fromstring(capsys.readouterr().out)
    assert root.findall("Labels") == [] and len(root.find("Choices")) == len(EVENT_TYPES)


# --- corrections that do not read: a clear error, and no training -------------------------------


def corrupted(exported, tmp_path: Path, damage) -> Path:
    path = as_corrected_export(exported["label-studio"], tmp_path / "bad.json")
    tasks = json.loads(path.read_text())
    damage(tasks[2]["annotations"][0]["result"])
    path.write_text("[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]\n")
    return path


def _shift(result):
    result[0]["value"]["start"] += 1


def _relabel(result):
    result[0]["value"]["labels"] = ["GPE"]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [(_shift, r"span \[\d+, \d+\) covers .*, not"), (_relabel, "unknown entity label 'GPE'")],
)
def test_a_corrupted_export_names_file_line_and_task(exported, tmp_path, damage, reason):
    path = corrupted(exported, tmp_path, damage)
    with pytest.raises(CorpusError, match=rf"^{path}:4: record d02: {reason}"):
        read_corpus(path)


def ner_config(tiny_model_dir, tmp_path, train: Path, dev: Path):
    return tiny_ner_config(tiny_model_dir, tmp_path, train, dev, {"training.batch_tokens": 256})


def test_a_corrupted_export_stops_training_before_anything_is_written(
    exported, tmp_path, tiny_model_dir
):
    from cronaca.training.tasks.train import train

    bad = corrupted(exported, tmp_path, _relabel)
    config = ner_config(tiny_model_dir, tmp_path, bad, exported["doccano"])
    with pytest.raises(CorpusError, match="unknown entity label"):
        train(config)
    assert not Path(config.output_dir).exists()


def test_the_entity_model_trains_from_the_exports(exported, tmp_path, tiny_model_dir):
    from cronaca.training.tasks.train import train

    export = as_corrected_export(exported["label-studio"], tmp_path / "ls.json")
    config = ner_config(tiny_model_dir, tmp_path, export, exported["doccano"])
    result = train(config)
    assert result["steps"] > 0 and (Path(config.output_dir) / "model" / "config.json").is_file()


def test_the_event_task_takes_the_exports_event_types(exported, tmp_path, tiny_model_dir):
    from cronaca.training.tasks.events import EventTask

    export = as_corrected_export(exported["label-studio"], tmp_path / "ls.json")
    settings = {
        "task": "events",
        "labels": list(EVENT_TYPES),
        "base_model": str(tiny_model_dir),
        "output_dir": str(tmp_path / "events"),
        "data.train": [str(export)],
        "data.dev": [str(exported["doccano"])],
        "training.precision": "fp32",
    }
    config = load_config(None, overrides=[f"{k}={json.dumps(v)}" for k, v in settings.items()])
    task = EventTask(config, records=[])  # no project corpus: the exports alone
    assert task.summary["train_records"] == 6 and task.summary["dev_records"] == 6
    expected = predicted(exported)
    assert {r.id: r.events for r in task.dev} == {k: v[1] for k, v in expected.items()}


def test_an_export_without_event_types_cannot_train_the_event_task(tmp_path, tiny_model_dir):
    from cronaca.training.tasks.events import export_records

    path = tmp_path / "spans.jsonl"
    path.write_text(json.dumps({"text": "Corteo a Roma.", "label": [[9, 13, "LOC"]]}) + "\n")
    overrides = ["task=events", f"labels={json.dumps(list(EVENT_TYPES))}"]
    config = load_config(None, overrides=[*overrides, f"data.train={json.dumps([str(path)])}"])
    with pytest.raises(ValueError, match="data.train: no record annotates event types"):
        export_records(config)


# --- selection --------------------------------------------------------------------------------


def select(dirs, pool: Path, out: Path, n: int, fmt: str = "doccano") -> list[dict]:
    cli("select", "--model", dirs[0], "--model", dirs[1], "--input", pool, "--n", n,
        "--output", out, "--format", fmt, "--device", "cpu", "--quiet")  # fmt: skip
    text = out.read_text(encoding="utf-8")
    return json.loads(text) if fmt == "label-studio" else [json.loads(x) for x in text.splitlines()]


def test_select_is_deterministic_drops_near_duplicates_and_respects_n(
    tiny_predictor_dirs, tmp_path
):
    pool = write_pool(tmp_path / "pool.jsonl")
    first = select(tiny_predictor_dirs, pool, tmp_path / "a.jsonl", n=4)
    again = select(tiny_predictor_dirs, pool, tmp_path / "b.jsonl", n=4)
    assert first == again and len(first) == 4
    assert [r["selection"]["rank"] for r in first] == [0, 1, 2, 3]
    scores = [r["selection"]["score"] for r in first]
    assert scores == sorted(scores, reverse=True)
    everything = select(tiny_predictor_dirs, pool, tmp_path / "c.jsonl", n=100)
    ids = [r["id"] for r in everything]
    assert len(ids) == len(POOL) - len(COPIES) + 1  # one copy of the wire story kept
    assert len([i for i in ids if int(i[1:]) in COPIES]) == 1
    tasks = select(tiny_predictor_dirs, pool, tmp_path / "t.json", n=2, fmt="label-studio")
    assert [t["data"]["id"] for t in tasks] == ids[:2]
    assert tasks[0]["meta"]["selection"]["rank"] == 0 and tasks[0]["predictions"]


def test_choose_ranks_by_score_breaks_ties_by_id_and_keeps_the_best_copy():
    ids = ["c", "b", "a", "d", "e"]
    texts = ["Corteo a Roma.", "Raid su Hajin.", "Scontri a Tbilisi.", STORY, STORY + " (ANSA)"]
    scores = [0.5, 0.5, 0.5, 0.2, 0.9]
    assert choose(ids, texts, scores, n=10) == [4, 2, 1, 0]  # "d" is a copy of the chosen "e"
    assert choose(ids, texts, scores, n=2) == [4, 2]


def test_uncertainty_components():
    assert centred(0.2, 0.2) == 0.5 and centred(0.0, 0.3) == 0.0 and centred(1.0, 0.3) == 1.0
    thresholds = {"battle": 0.2, "riot": 0.5}
    at_threshold = event_uncertainty([{"battle": 0.2, "riot": 0.5}], thresholds)
    assert at_threshold == pytest.approx(1.0)
    sure = event_uncertainty([{"battle": 0.01, "riot": 0.99}], thresholds)
    # a document takes its best sentence's score: one sure sentence makes the type sure
    two = event_uncertainty(
        [{"battle": 0.2, "riot": 0.99}, {"battle": 0.99, "riot": 0.01}], thresholds
    )
    assert sure < 0.2 and two < 0.2
    confident = np.log(np.array([[0.98, 0.01, 0.01]] * 3))
    doubtful = np.log(np.array([[0.98, 0.01, 0.01], [0.45, 0.40, 0.15]]))
    assert word_margin_uncertainty([confident]) == pytest.approx(0.03)
    assert word_margin_uncertainty([confident, doubtful]) == pytest.approx(0.95)
    assert word_margin_uncertainty([]) == 0.0
