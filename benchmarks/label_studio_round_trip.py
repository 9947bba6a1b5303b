"""The annotation loop on a real Label Studio server (issue 13, item 4), end to end.

    python -m venv /tmp/ls && /tmp/ls/bin/pip install label-studio     # its own environment
    python benchmarks/label_studio_round_trip.py --label-studio /tmp/ls/bin/label-studio

1. ``cronaca predict --format label-studio`` pre-annotates the example text's paragraphs (the
   rule models: no trained model needed) and ``cronaca label-config`` prints the interface;
2. a Label Studio server starts on 127.0.0.1 (a fresh data folder, a legacy API token);
   through its HTTP API a project is created with that configuration and the tasks imported
   with their predictions;
3. an annotation is submitted through the API for two tasks: the mentions and event types
   written below, read from the text against the guidelines (not copied from the predictions);
4. the project is exported as JSON, read back by cronaca's reader (the document ids, spans
   and event types checked against what was submitted), and ``cronaca train`` retrains a
   tiny in-process entity model and a tiny event-type model on it.

Counts and versions go to ``benchmarks/results/annotation_loop.json`` (its other keys, from
other benchmarks, are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from cronaca.inference.runtime import cpu_flags

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
RESULTS = ROOT / "benchmarks" / "results" / "annotation_loop.json"
EXAMPLE = ROOT.parent / "shared" / "data" / "examples" / "conflict-news-it.txt"

# The annotator's reading of the first two paragraphs (armed groups are ORG; an armed group
# taking a base by attack is a battle; an offensive of one armed group against another too).
ANNOTATION = {
    0: {
        "mentions": [("JNIM", "ORG"), ("Acharan", "LOC"), ("MNLA", "ORG"), ("Timbuktu", "LOC")],
        "events": ["battle"],
    },
    1: {
        "mentions": [
            ("Siria", "LOC"),
            ("SDF", "ORG"),
            ("Isis", "ORG"),
            ("Bahrah", "LOC"),
            ("Hajin", "LOC"),
        ],
        "events": ["battle"],
    },
}


def cronaca(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cronaca.training.cli", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"cronaca {' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


class Server:
    """A Label Studio server in a fresh data folder, and its HTTP API."""

    def __init__(self, executable: str, folder: Path):
        self.token = secrets.token_hex(20)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        command = [executable, "start", "--no-browser", "--internal-host", "127.0.0.1"]
        command += ["--port", str(self.port), "--data-dir", str(folder / "data")]
        command += ["--username", "annotator@cronaca.example", "--password", secrets.token_hex(8)]
        command += ["--user-token", self.token, "--enable-legacy-api-token"]
        self.log = (folder / "label-studio.log").open("w")
        env = os.environ | {"LABEL_STUDIO_BASE_DATA_DIR": str(folder / "data")}
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def wait(self, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"label-studio exited ({self.process.returncode}); see its log")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        raise SystemExit(f"label-studio did not answer on {self.url} in {seconds:.0f} s")

    def api(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Token {self.token}")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=120) as reply:
            return json.loads(reply.read() or b"null")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def annotation_result(text: str, reading: dict) -> list[dict]:
    """Label Studio result items for a hand reading: each mention's first occurrence."""
    result = []
    for mention, label in reading["mentions"]:
        start = text.index(mention)
        value = {"start": start, "end": start + len(mention), "text": mention, "labels": [label]}
        result.append({"from_name": "label", "to_name": "text", "type": "labels", "value": value})
    choices = {"choices": reading["events"]}
    result.append({"from_name": "events", "to_name": "text", "type": "choices", "value": choices})
    return result


def write_paragraphs(path: Path) -> list[str]:
    paragraphs = [p for p in EXAMPLE.read_text(encoding="utf-8").splitlines() if p.strip()]
    lines = [
        json.dumps({"id": f"p{i}", "text": p}, ensure_ascii=False) for i, p in enumerate(paragraphs)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paragraphs


def round_trip(server: Server, work: Path) -> dict:
    paragraphs = write_paragraphs(work / "paragraphs.jsonl")
    rules = ["--model", "gazetteer", "--model", "keywords"]
    cronaca(
        "predict", "--format", "label-studio", *rules, "--quiet",
        "--input", str(work / "paragraphs.jsonl"), "--output", str(work / "tasks.json"),
    )  # fmt: skip
    config = cronaca("label-config", *rules)
    tasks = json.loads((work / "tasks.json").read_text(encoding="utf-8"))

    version = server.api("GET", "/api/version")
    project = server.api("POST", "/api/projects", {"title": "cronaca", "label_config": config})
    imported = server.api("POST", f"/api/projects/{project['id']}/import", tasks)
    listed = server.api("GET", f"/api/tasks?project={project['id']}&page_size=1000")
    stored = sorted(listed["tasks"] if isinstance(listed, dict) else listed, key=lambda t: t["id"])
    for index, reading in ANNOTATION.items():
        task = stored[index]
        result = annotation_result(task["data"]["text"], reading)
        server.api("POST", f"/api/tasks/{task['id']}/annotations", {"result": result})
    exported = server.api("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    export = work / "export.json"
    export.write_text(json.dumps(exported, ensure_ascii=False, indent=1), encoding="utf-8")
    return {
        "label_studio_version": version.get("release")
        or version.get("label-studio-os-package", {}).get("version"),
        "paragraphs": len(paragraphs),
        "tasks_imported": imported.get("task_count"),
        "predictions_imported": imported.get("prediction_count"),
        "annotations_submitted": len(ANNOTATION),
        "tasks_exported": len(exported),
        "export": export,
    }


def read_back(export: Path) -> dict:
    from cronaca.training.data.corpora import read_corpus

    records = [r for r in read_corpus(export) if r.tags is not None or r.events is not None]
    by_id = {r.id: r for r in records}
    checks = {}
    for index, reading in ANNOTATION.items():
        record = by_id[f"p{index}"]  # the document id came back through Label Studio
        spans = set(record.entity_char_spans())
        expected = {
            (record.text.index(m), record.text.index(m) + len(m), t) for m, t in reading["mentions"]
        }
        checks[f"p{index}"] = spans == expected and set(record.events) == set(reading["events"])
    return {
        "records_read": len(records),
        "entity_spans_read": sum(len(r.entity_char_spans()) for r in records),
        "event_labels_read": sum(len(r.events or ()) for r in records),
        "read_back_equals_submitted": all(checks.values()),
    }


def retrain(export: Path, work: Path) -> dict:
    from tiny import save_tiny_model

    base = save_tiny_model(work / "tiny")
    common = ["--set", f"base_model={base}", "--set", "training.precision=fp32"]
    common += ["--set", "training.epochs=1", "--set", "training.freeze_layers=0"]
    cronaca(
        "train", str(ROOT / "configs" / "ner-kind.yaml"), *common,
        "--set", f"data.train=[{export}]", "--set", f"data.dev=[{export}]",
        "--set", f"output_dir={work / 'ner'}",
    )  # fmt: skip
    cronaca(
        "train", str(ROOT / "configs" / "events.yaml"), "--profile", "quick", *common,
        "--set", f"data.train=[{export}]", "--set", f"output_dir={work / 'events'}",
    )  # fmt: skip
    ner = json.loads((work / "ner" / "history.json").read_text())
    events = json.loads((work / "events" / "history.json").read_text())
    return {"ner_train_steps": ner["steps"], "events_train_steps": events["steps"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label-studio", default="label-studio", help="its executable")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = Server(args.label_studio, work)
        try:
            started = time.perf_counter()
            server.wait()
            trip = round_trip(server, work)
            trip["server_start_seconds"] = round(time.perf_counter() - started, 1)
        finally:
            server.stop()
        export = trip.pop("export")
        figures = trip | read_back(export) | retrain(export, work)
    result = json.loads(args.out.read_text()) if args.out.is_file() else {}
    result["label_studio_round_trip"] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "command": "python benchmarks/label_studio_round_trip.py " + " ".join(argv or sys.argv[1:]),
        "cpu_flags": cpu_flags(),
        **figures,
    }
    result["label_studio_version"] = figures["label_studio_version"]
    result.setdefault("selection_budget_ratio", None)  # the selection benchmark's (item 5)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2))
    return 0 if figures["read_back_equals_submitted"] else 1


if __name__ == "__main__":
    sys.exit(main())
