"""Fuzzing, long profile: every target of tests/fuzzing.py for ``--cases`` generated inputs
(``--slow-cases`` for the targets that run a model or 10k-1M-character texts), the counts and
any failure written to benchmarks/results/fuzz.json.

    nice -n 19 python benchmarks/fuzz.py --cases 10000 --slow-cases 1000
    nice -n 19 python benchmarks/fuzz.py --cases 10000 --only features predictor batch_job
    nice -n 19 python benchmarks/fuzz.py --cases 5000 --only long_texts --seed 1 --add
    python benchmarks/fuzz.py --merge a.json b.json --only long_texts   # runs made in parallel

``--seed`` fixes hypothesis's random source, so runs with different seeds draw different cases;
``--add`` adds a run's cases to the target's row instead of replacing it (each run is kept in
``runs_per_target``), so a target too slow for one sitting (long_texts: about half a
second a case, most of it in sentencex on 1M characters) reaches its count over several runs,
in parallel or in turn. The file is rewritten after each target finishes, so a run stopped
part-way keeps the targets it finished (a target's own cases count only when it ends).

The fast profile of the same targets runs in the tests (tests/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from tqdm.auto import tqdm

from cronaca.inference.runtime import cpu_flags

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fuzzing as fz  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as fixed_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "fuzz.json"
SLOW = {"long_texts", "features", "predictor", "batch_job"}
# the names :func:`targets` returns, in its order (checked against it by the tests)
TARGETS = (
    *("kind_tsv", "wikineural_conllu", "spans_jsonl", "spans_json", "news_items"),
    *("standoff_events", "standoff_entities", "words", "sentences", "long_texts"),
    *("features", "predictor", "batch_job"),
)


def targets(folder: Path, models: Path):
    """``name -> (strategy, check)``; the models are the tiny in-process ones of the tests."""
    from tiny import save_tiny_model
    from transformers import AutoTokenizer

    from cronaca.inference.predictor import Predictor
    from cronaca.training.data.news import read_news_items

    base = save_tiny_model(models / "tiny")
    tokenizer = AutoTokenizer.from_pretrained(base)
    predictor = Predictor.from_pretrained(*_tiny_dirs(base, models), device="cpu", precision="fp32")
    by_id = fz.news_index(folder)
    texts = st.lists(fz.texts_with_surrogates, min_size=1, max_size=4)
    return {
        "kind_tsv": (
            fz.column_files(False),
            lambda d: fz.check_reader(folder, "a.tsv", d, fz.read_column_file(False)),
        ),
        "wikineural_conllu": (
            fz.column_files(True),
            lambda d: fz.check_reader(folder, "a.conllu", d, fz.read_column_file(True)),
        ),
        "spans_jsonl": (
            fz.json_files(fz.span_records()),
            lambda d: fz.check_reader(folder, "a.jsonl", d, fz.read_spans),
        ),
        "spans_json": (
            fz.json_files(fz.span_records()),
            lambda d: fz.check_reader(folder, "a.json", d, fz.read_spans),
        ),
        "news_items": (
            fz.json_files(fz.news_records()),
            lambda d: fz.check_reader(folder, "n.jsonl", d, read_news_items),
        ),
        "standoff_events": (
            fz.json_files(fz.standoff_records(by_id)),
            lambda d: fz.check_standoff(folder, d, by_id, entities=False),
        ),
        "standoff_entities": (
            fz.json_files(fz.standoff_records(by_id)),
            lambda d: fz.check_standoff(folder, d, by_id, entities=True),
        ),
        "words": (fz.texts_with_surrogates, fz.check_words),
        "sentences": (fz.texts_with_surrogates, fz.check_sentences),
        "long_texts": (fz.long_texts(), lambda t: (fz.check_words(t), fz.check_sentences(t))),
        "features": (
            st.tuples(texts, st.integers(8, 64)),
            lambda a: fz.check_features(tokenizer, a[0], a[1], a[1] // 4),
        ),
        "predictor": (
            st.lists(fz.texts_with_surrogates, min_size=1, max_size=3),
            lambda b: fz.check_predictor(predictor, b),
        ),
        "batch_job": (
            st.tuples(fz.job_lines(), st.integers(0, 8)),
            lambda a: fz.check_batch_job(predictor, folder, a[0], a[1]),
        ),
    }


def _tiny_dirs(base: Path, models: Path) -> tuple[Path, Path]:
    """The tiny entity and event models of tests/conftest.py (``tiny_predictor_dirs``)."""
    import conftest

    return conftest.tiny_predictor_dirs.__wrapped__(base, _Factory(models))


class _Factory:
    def __init__(self, root: Path):
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        return path


def run_target(name: str, strategy, check, cases: int, seed: int | None = None) -> dict:
    count = [0]

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(strategy)
    def target(value):
        count[0] += 1
        bar.update()
        check(value)

    if seed is not None:
        target = fixed_seed(seed)(target)

    started = time.perf_counter()
    failure = None
    # a long target runs for hours: a bar (on stderr, redrawn at most every 10 s) shows it
    bar = tqdm(total=cases, desc=name, unit="case", mininterval=10, leave=False)
    try:
        target()
    except Exception as error:  # the property failed: keep the shrunk example's message
        failure = f"{type(error).__name__}: {error}"[:2000]
        notes = getattr(error, "__notes__", [])
        failure += "".join(f"\n{note}" for note in notes)[:2000]
    bar.close()
    seconds = time.perf_counter() - started
    print(f"{name}: {count[0]} cases, {seconds:.1f} s, {'FAILED' if failure else 'ok'}", flush=True)
    return {"cases": count[0], "seconds": round(seconds, 1), "failure": failure, "seed": seed}


def _result(per_target: dict[str, dict]) -> dict:
    failures = {name: r["failure"] for name, r in per_target.items() if r["failure"]}
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "commands": sorted({r["command"] for r in per_target.values()}),
        "cpu_flags": cpu_flags(),
        "min_cases_per_target": min(r["cases"] for r in per_target.values()),
        "failures_left": len(failures),
        "cases_per_target": {name: r["cases"] for name, r in per_target.items()},
        "seconds_per_target": {name: r["seconds"] for name, r in per_target.items()},
        "command_per_target": {name: r["command"] for name, r in per_target.items()},
        "failures": failures,
        "runs_per_target": {name: _runs(r) for name, r in per_target.items()},
    }


def _runs(row: dict) -> list[dict]:
    """The runs that make up a row (one, unless ``--add`` combined several)."""
    keys = ("seed", "cases", "seconds", "command")
    return row.get("runs") or [{key: row.get(key) for key in keys}]


def _added(old: dict | None, new: dict) -> dict:
    """``new``'s run added to the row ``old`` (``--add``): cases and seconds summed, the first
    failure kept, every run listed."""
    if old is None:
        return new
    runs = _runs(old) + _runs(new)
    return {
        "cases": old["cases"] + new["cases"],
        "seconds": round(old["seconds"] + new["seconds"], 1),
        "failure": old["failure"] or new["failure"],
        "command": " + ".join(dict.fromkeys(run["command"] for run in runs)),
        "runs": runs,
    }


def _rows(result: dict) -> dict[str, dict]:
    """The per-target rows of an earlier results file (one written before ``commands``: its
    single ``command``)."""
    commands = result.get("command_per_target", {})
    return {
        name: {
            "cases": cases,
            "seconds": result["seconds_per_target"][name],
            "failure": result["failures"].get(name),
            "command": commands.get(name, result.get("command", "")),
            "runs": result.get("runs_per_target", {}).get(name),
        }
        for name, cases in result["cases_per_target"].items()
    }


def _read(path: Path) -> dict[str, dict]:
    """The rows of the results file at ``path``; none when there is no file yet."""
    return _rows(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def _write(path: Path, per_target: dict[str, dict]) -> dict:
    result = _result(per_target)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".writing")  # renamed into place: never half a file
    staging.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    staging.replace(path)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per target")
    parser.add_argument("--slow-cases", type=int, default=None, help=f"cases for {sorted(SLOW)}")
    parser.add_argument(
        "--only",
        nargs="*",
        help="run only these targets and update their rows in --out (the others stay, with "
        "the command that ran them)",
    )
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    parser.add_argument(
        "--add",
        action="store_true",
        help="add this run's cases to the rows in --out instead of replacing them",
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="run nothing: write the --only targets' rows as the sum of these files' rows "
        "(runs made in parallel, each into its own file)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only or ()) - set(TARGETS))
    if unknown:
        parser.error(f"unknown targets {unknown}: the targets are {', '.join(TARGETS)}")
    if args.merge:
        return _merge(args.merge, args.only, args.out, parser)
    slow_cases = args.slow_cases if args.slow_cases is not None else args.cases
    command = "nice -n 19 python benchmarks/fuzz.py " + " ".join(argv or sys.argv[1:])
    old = _read(args.out)
    done: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder, models = Path(tmp) / "files", Path(tmp) / "models"
        folder.mkdir()
        models.mkdir()
        for name, (strategy, check) in targets(folder, models).items():
            if args.only and name not in args.only:
                continue
            cases = slow_cases if name in SLOW else args.cases
            row = run_target(name, strategy, check, cases, args.seed) | {"command": command}
            done[name] = _added(old.get(name), row) if args.add else row
            # written after every target, over the earlier rows: a run stopped part-way
            # keeps the targets it finished
            result = _write(args.out, old | done)
    if not (args.only or args.add):  # a whole run: its rows alone
        result = _write(args.out, done)
    return _summary(result)


def _summary(result: dict) -> int:
    print(json.dumps({k: result[k] for k in ("min_cases_per_target", "failures_left")}))
    return 1 if result["failures_left"] else 0


def _merge(files: list[Path], only: list[str] | None, out: Path, parser) -> int:
    """``--merge``: each ``--only`` target's row in ``out`` becomes the sum of its rows in
    ``files`` (cases and seconds added, every run listed); the other rows stay."""
    if not only:
        parser.error("--merge needs --only: the targets whose rows the files add up")
    merged: dict[str, dict] = {}
    for path in files:
        rows = _read(path)
        for name in only:
            if name not in rows:
                parser.error(f"{path}: no row for target {name!r}")
            merged[name] = _added(merged.get(name), rows[name])
    return _summary(_write(out, _read(out) | merged))


if __name__ == "__main__":
    sys.exit(main())
