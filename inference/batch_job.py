"""The batch job behind ``cronaca predict``: documents in, one JSONL record per document out.

Inputs (:func:`read_inputs`):

- a ``.jsonl`` file, one JSON object per line with ``id`` (a string or an integer) and ``text``;
- any other file: one plain-text document, its id the file name;
- a folder: every ``*.txt`` file below it, in sorted path order, its id the relative path.

Output, one line per input, in input order::

    {"id": "a1", "text": "...", "entities": [...], "sentences": [...], "events": [...]}
    {"id": null, "error": "not valid JSON: Expecting value", "source": "in.jsonl", "line": 7}

An input that cannot be read (bad JSON, a missing or non-string ``text``, a duplicate id, bytes
that are not UTF-8, a lone surrogate such as a ``"\ud800"`` escape, a text over
``max_characters``) becomes an *error record* naming its source and line, and the job goes on.

Resumable: when the output exists, ids already written there (and error records for the same
source line) are skipped and the rest appended, so a killed run is finished by running the same
command again, with no record lost or written twice. Records are written a group at a time as
whole lines and flushed; a line cut short by a kill is removed before anything is appended.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from .predictor import GROUP_CHARACTERS, Predictor, character_groups
from .words import surrogate_problem

MAX_CHARACTERS = 1_000_000  # ~170,000 words: beyond this a "document" is usually a mistake


class JobError(Exception):
    """A problem that stops the job before it starts (missing input, foreign output file)."""


@dataclass(frozen=True)
class Item:
    """One input document, or the reason it could not be read."""

    id: str | int | None
    source: str
    line: int | None = None
    text: str | None = None
    error: str | None = None

    @property
    def key(self) -> tuple:
        """What identifies this input in an output file being resumed."""
        if self.error is None:
            return ("id", json.dumps(self.id))
        return ("error", self.source, self.line)


@dataclass
class JobSummary:
    written: int = 0
    skipped: int = 0
    errors: int = 0
    seconds: float = 0.0
    repaired_tail: bool = False


# ---------------------------------------------------------------- reading inputs


def read_inputs(path: str | Path, max_characters: int = MAX_CHARACTERS) -> Iterator[Item]:
    """Items of a JSONL file, a plain-text file or a folder of ``.txt`` files, in order.

    A missing input or an empty folder raises :class:`JobError` here, before anything runs.
    """
    path = Path(path)
    if path.is_dir():
        files = _text_files(path)
        if not files:
            raise JobError(f"{path}: no .txt files in this folder")
        return (_text_file(f, f.relative_to(path).as_posix(), max_characters) for f in files)
    if not path.is_file():
        raise JobError(f"{path}: no such file or folder")
    if path.suffix == ".jsonl":
        return _jsonl(path, max_characters)
    return iter([_text_file(path, path.name, max_characters)])


def count_inputs(path: str | Path) -> int:
    """How many items :func:`read_inputs` will yield (at most: blank JSONL lines yield none)."""
    path = Path(path)
    if path.is_dir():
        return len(_text_files(path))
    if path.suffix == ".jsonl":
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    return 1


def _text_files(folder: Path) -> list[Path]:
    """The documents of a folder input: every ``*.txt`` file below it, in path order."""
    return sorted(p for p in folder.rglob("*.txt") if p.is_file())


def _text_file(path: Path, item_id: str, max_characters: int) -> Item:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start})"
        return Item(item_id, str(path), error=reason)
    return _checked(Item(item_id, str(path), text=text), max_characters)


def _jsonl(path: Path, max_characters: int) -> Iterator[Item]:
    first_seen: dict[str, int] = {}
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            item = _jsonl_item(str(path), number, raw, max_characters)
            if item.error is None:
                key = json.dumps(item.id)
                if key in first_seen:
                    reason = f"duplicate id {item.id!r} (first on line {first_seen[key]})"
                    item = Item(item.id, item.source, number, error=reason)
                else:
                    first_seen[key] = number
            yield item


def _jsonl_item(source: str, number: int, raw: bytes, max_characters: int) -> Item:
    def error(reason: str, item_id=None) -> Item:
        return Item(item_id, source, number, error=reason)

    try:
        record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError as problem:
        return error(f"not UTF-8 (byte 0x{raw[problem.start]:02x} at column {problem.start + 1})")
    except json.JSONDecodeError as problem:
        return error(f"not valid JSON: {problem.msg} (column {problem.colno})")
    except RecursionError:
        return error("not valid JSON here: nested too deeply")
    except ValueError as problem:  # e.g. an integer of more than 4,300 digits
        return error(f"not valid JSON here: {problem}")
    if not isinstance(record, dict):
        return error(f"expected a JSON object with 'id' and 'text', got {type(record).__name__}")
    item_id = record.get("id")
    if isinstance(item_id, bool) or not isinstance(item_id, (str, int)):
        return error(
            "missing 'id' (a string or an integer)"
            if item_id is None
            else f"'id' must be a string or an integer, not {type(item_id).__name__}"
        )
    if isinstance(item_id, str) and surrogate_problem(item_id):
        return error(f"'id': {surrogate_problem(item_id)}")
    text = record.get("text")
    if not isinstance(text, str):
        what = "missing 'text'" if text is None else f"'text' is {type(text).__name__}"
        return error(f"{what}: expected a string", item_id)
    if surrogate_problem(text):
        return error(f"'text': {surrogate_problem(text)}", item_id)
    return _checked(Item(item_id, source, number, text=text), max_characters)


def _checked(item: Item, max_characters: int) -> Item:
    if item.text is not None and len(item.text) > max_characters:
        reason = (
            f"text has {len(item.text):,} characters, over the limit of {max_characters:,} "
            "(raise it with --max-characters, or split the document)"
        )
        return Item(item.id, item.source, item.line, error=reason)
    return item


# ---------------------------------------------------------------- the output file


def done_keys(output: Path) -> tuple[set[tuple], bool]:
    """Keys of the records already in ``output``; cuts off a last line left half-written.

    Returns ``(keys, repaired)``. A malformed line anywhere but at the end means the file is
    not ours (or was edited): the job stops rather than append to it.
    """
    keys: set[tuple] = set()
    if not output.exists():
        return keys, False
    data = output.read_bytes()
    complete = data.rfind(b"\n") + 1  # everything after the last newline is a cut-off write
    lines = data[:complete].splitlines()
    for number, raw in enumerate(lines, start=1):
        try:
            record = json.loads(raw)
            keys.add(_record_key(record))
        except (ValueError, KeyError, TypeError) as problem:
            raise JobError(
                f"{output}:{number}: not a cronaca predict record ({problem}); "
                "choose another --output, or remove this file to start again"
            ) from None
    if complete < len(data):
        with output.open("r+b") as handle:
            handle.truncate(complete)
    return keys, complete < len(data)


def _record_key(record: dict) -> tuple:
    if "error" in record:
        return ("error", record["source"], record["line"])
    return ("id", json.dumps(record["id"]))


def result_record(item: Item, document) -> dict:
    return {"id": item.id, **rounded(document.to_dict())}


def error_record(item: Item) -> dict:
    return {"id": item.id, "error": item.error, "source": item.source, "line": item.line}


def rounded(value):
    """Scores to 4 decimals: the output stays readable, and no decision depends on more."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: rounded(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(inner) for inner in value]
    return value


# ---------------------------------------------------------------- the job


def run_job(
    predictor: Predictor,
    items: Iterable[Item],
    output: str | Path,
    batch_size: int = 32,
    total: int | None = None,
    show_progress: bool = True,
    group_characters: int = GROUP_CHARACTERS,
) -> JobSummary:
    """Predict every item not yet in ``output`` and append its record, in input order."""
    output = Path(output)
    if output.is_dir():
        raise JobError(f"{output}: is a folder; --output names a .jsonl file")
    output.parent.mkdir(parents=True, exist_ok=True)
    done, repaired = done_keys(output)
    summary = JobSummary(repaired_tail=repaired)
    started = time.perf_counter()
    progress = tqdm(total=total, desc="predict", unit="doc", disable=not show_progress)
    with output.open("a", encoding="utf-8", newline="\n") as handle, progress:
        for group in _item_groups(items, group_characters):
            todo = [item for item in group if item.key not in done]
            summary.skipped += len(group) - len(todo)
            handle.write("".join(_lines(predictor, todo, batch_size, summary)))
            handle.flush()  # a group's records reach the file together, as whole lines
            done.update(item.key for item in todo)
            progress.update(len(group))
            progress.set_postfix(
                written=summary.written,
                skipped=summary.skipped,
                errors=summary.errors,
                refresh=False,
            )
    summary.seconds = time.perf_counter() - started
    return summary


def _item_groups(items: Iterable[Item], characters: int) -> Iterator[list[Item]]:
    return character_groups(items, characters, size=lambda item: len(item.text or ""))


def _lines(predictor: Predictor, items: list[Item], batch_size: int, summary) -> Iterator[str]:
    readable = [item for item in items if item.error is None]
    documents = iter(predictor.predict([item.text for item in readable], batch_size))
    for item in items:
        if item.error is None:
            record = result_record(item, next(documents))
            summary.written += 1
        else:
            record = error_record(item)
            summary.errors += 1
        yield json.dumps(record, ensure_ascii=False) + "\n"


def report(summary: JobSummary, output: Path, stream=sys.stderr) -> None:
    rate = summary.written / summary.seconds if summary.seconds else 0.0
    print(
        f"{output}: {summary.written} written ({rate:.1f} docs/s), "
        f"{summary.skipped} already there, {summary.errors} error records",
        file=stream,
    )
    if summary.repaired_tail:
        print(f"{output}: removed a last line cut short by an earlier run", file=stream)
