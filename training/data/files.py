"""Reading corpus files line by line, so that every error names its file and line; writing
JSONL.

Files are read as bytes and decoded line by line, so even bad UTF-8 names its line; JSON
comes as JSONL or as one JSON array, each record with the line it starts on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from cronaca.inference.words import surrogate_problem

from .records import CorpusError

_SPACE = re.compile(r"\s*")


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line without its end)``; a BOM and ``\\r\\n`` are accepted."""
    with open(path, "rb") as file:
        for number, raw in enumerate(file, 1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                reason = f"not valid UTF-8 ({err.reason} at byte {err.start} of the line)"
                raise CorpusError(path, number, reason) from None
            yield number, line.rstrip("\r\n")


def blocks(path: Path) -> Iterator[list[tuple[int, list[str]]]]:
    """Sentences of a column file: runs of ``(line number, tab-separated fields)``."""
    block: list[tuple[int, list[str]]] = []
    for number, line in numbered_lines(path):
        if not line.strip():
            if block:
                yield block
            block = []
        elif not (line.startswith("#") and "\t" not in line):  # CoNLL-U comment line
            block.append((number, line.split("\t")))
    if block:  # KIND's WN_test has no final blank line
        yield block


def json_records(path: Path) -> Iterator[tuple[int, int, Any]]:
    """``(line number, record index, record)`` from JSONL, or from a file holding one JSON array."""
    with open(path, "rb") as file:
        head = file.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        yield from _json_array(path)
        return
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(path, number, f"not JSON: {err.msg} (column {err.colno})") from None
        except (RecursionError, ValueError) as err:  # nested too deeply, a 5,000-digit integer
            raise CorpusError(path, number, f"not JSON this reader takes: {_why(err)}") from None
        yield number, number - 1, _unicode_checked(path, number, record)


def _json_array(path: Path) -> Iterator[tuple[int, int, Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CorpusError(path, line, f"not valid UTF-8 ({err.reason})") from None
    decoder, position, index = json.JSONDecoder(), text.index("[") + 1, 0
    line, counted = 1, 0  # newlines are counted once each, up to `counted`
    while True:
        start = _SPACE.match(text, position).end()
        if text.startswith("]", start):
            return
        line, counted = line + text.count("\n", counted, start), start
        try:
            record, position = decoder.raw_decode(text, start)
        except json.JSONDecodeError as err:
            raise CorpusError(path, err.lineno, f"not JSON: {err.msg}") from None
        except (RecursionError, ValueError) as err:
            raise CorpusError(path, line, f"not JSON this reader takes: {_why(err)}") from None
        yield line, index, _unicode_checked(path, line, record)
        index, position = index + 1, _SPACE.match(text, position).end()
        if text.startswith(",", position):
            position += 1
        elif not text.startswith("]", position):
            raise CorpusError(path, line, "expected ',' or ']' after a record in the JSON array")


def _why(error: Exception) -> str:
    return "nested too deeply" if isinstance(error, RecursionError) else str(error)


def _unicode_checked(path: Path, line: int, record: Any) -> Any:
    """``record``, once no string in it (key or value) holds a lone surrogate: a ``"\\ud800"``
    escape with no pair is valid JSON but not text, and would fail far from its line."""
    stack = [record]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value
        elif isinstance(value, str) and surrogate_problem(value):
            raise CorpusError(path, line, f"{surrogate_problem(value)} in {value[:40]!r}")
    return record


def record_id_of(path: Path, index: int, record: Mapping[str, Any]) -> str:
    return str(record["id"]) if record.get("id") is not None else f"{path.stem}:{index}"


def write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    """One JSON object a line, UTF-8, non-ASCII kept as it is (annotators read these files)."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
