"""Custom JSON and YAML: the user says where the sessions are and which field is which.

    flask import talks.yaml --records events --map title=name --map start=begin --map speakers=speakers.name

`--records` is the dotted path to the list of sessions ("." for a top-level list; a list met on the
way is walked through, so `timetable.talks` reads the talks of every day). Each `--map FIELD=PATH`
names a field (`rows.FIELDS`: title, start, end, duration, date, day, room, track, speakers, code,
abstract, url, id, type, …) by its dotted path inside a record; a list of objects maps to a list of
their values (`speakers.name` -> every speaker's name). Fields not mapped are found by name as the
CSV headers are (`startsAt` is "starts at": the start). Rows are then read as spreadsheet rows are
(`rows.RowReader`); an item without a title is skipped and named.

YAML is read with PyYAML's safe loader, except that `9:30` stays the text "9:30": YAML 1.1 would
make it the base-60 integer 570.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import ParseError
from ..messages import M
from ..model import Timetable, zone
from .common import Options, decode_text, first_moment, load_json, resolve_zone
from .csv_table import match_fields
from .rows import FIELDS, Row, RowReader

JSON, YAML = "custom-json", "yaml"
_WALK_BUDGET = 200_000  # nodes looked at when listing a document's lists (YAML aliases can multiply them)
_MAX_DEPTH = 6


class _Loader(yaml.SafeLoader):
    """yaml.SafeLoader without YAML 1.1's base-60 and octal numbers: `start: 9:30` is "9:30", not 570,
    and `0730` is "0730", not 472."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def load_yaml(data: bytes) -> Any:
    text = decode_text(data, YAML)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass: no Python objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = M("line %(line)d column %(column)d", line=mark.line + 1, column=mark.column + 1) if mark else "document"
        raise ParseError(YAML, where, M("invalid YAML: %(error)s", error=str(exc.problem or exc.context))) from exc
    except yaml.YAMLError as exc:
        raise ParseError(YAML, "document", M("invalid YAML: %(error)s", error=str(exc))) from exc
    except RecursionError as exc:  # [[[[…: named, never a crash (issue 17)
        raise ParseError(YAML, "document", M("the YAML is nested too deeply")) from exc


def load(data: bytes, fmt: str) -> Any:
    return load_yaml(data) if fmt == YAML else load_json(data, JSON)


# --- finding the lists -----------------------------------------------------------------------


def candidates(doc: Any, limit: int = 12) -> list[tuple[str, int, list[str]]]:
    """The lists of objects in a document: (path for --records, number of objects, their commonest keys)."""
    found: dict[str, tuple[int, Counter]] = {}
    budget = [_WALK_BUDGET]

    def visit(nodes: list, path: str, depth: int) -> None:
        if depth > _MAX_DEPTH or budget[0] <= 0:
            return
        objects = [n for n in nodes if isinstance(n, dict)]
        lists = [n for n in nodes if isinstance(n, list)]
        budget[0] -= len(nodes)
        if lists:  # a list of lists (days of talks): walk through
            items = [x for lst in lists for x in lst]
            if any(isinstance(x, dict) for x in items):
                keys: Counter = Counter()
                for item in items[:200]:
                    if isinstance(item, dict):
                        keys.update(str(k) for k in item)
                count = sum(1 for x in items if isinstance(x, dict))
                found[path or "."] = (found.get(path or ".", (0, Counter()))[0] + count, keys)
                visit(items, path, depth + 1)
            return
        children: dict[str, list] = {}
        for obj in objects:
            for key, value in obj.items():
                if isinstance(value, dict | list):
                    children.setdefault(str(key), []).append(value)
        for key, values in children.items():
            visit(values, f"{path}.{key}" if path else key, depth + 1)

    visit([doc], "", 0)
    ranked = sorted(found.items(), key=lambda kv: (kv[0].count("."), -kv[1][0]))[:limit]
    return [(path, count, [k for k, _n in keys.most_common(8)]) for path, (count, keys) in ranked]


def describe(doc: Any) -> M:
    """What a document looks like, for a refusal: its top-level keys and its lists of objects."""
    if isinstance(doc, dict):
        shape = M("an object with the keys %(keys)s", keys=", ".join(list(map(str, doc))[:12]))
    elif isinstance(doc, list):
        shape = M("a list of %(n)d items", n=len(doc))
    else:
        shape = M("a single %(kind)s value", kind=type(doc).__name__)
    lists = candidates(doc, limit=5)
    if lists:
        shown = "; ".join(f"{path} ({n}: {', '.join(keys[:6])})" for path, n, keys in lists)
        shape = M("%(shape)s; lists of items: %(lists)s", shape=shape, lists=shown)
    return shape


def _segments(path: str) -> list[str]:
    path = (path or "").strip()
    return [] if path in ("", ".") else [p for p in path.split(".") if p]


def select(doc: Any, path: str) -> list[dict]:
    """The objects at `path` (lists on the way are walked through)."""
    nodes = [doc]
    for segment in _segments(path):
        nodes = _step(nodes, segment)
    out: list[dict] = []
    for node in nodes:
        if isinstance(node, list):
            out.extend(x for x in _flatten(node) if isinstance(x, dict))
        elif isinstance(node, dict):
            out.append(node)
    return out


def _flatten(values: list) -> list:
    flat = []
    for v in values:
        flat.extend(_flatten(v) if isinstance(v, list) else [v])
    return flat


def _step(nodes: list, segment: str) -> list:
    out = []
    for node in nodes:
        if isinstance(node, list):
            if segment.isdigit():
                if int(segment) < len(node):
                    out.append(node[int(segment)])
                continue
            out.extend(_step(node, segment))
        elif isinstance(node, dict) and segment in node:
            out.append(node[segment])
    return out


def value(record: dict, path: str) -> Any:
    """The value at a dotted path inside one record: a scalar, or a list when the path crosses a list."""
    nodes: list = [record]
    crossed = False
    for segment in _segments(path):
        crossed = crossed or any(isinstance(n, list) for n in nodes)
        # Text where objects were expected (`speakers: RubyKaigi Organizers` beside lists of speaker
        # objects) is the value itself.
        nodes = [n for n in nodes if not isinstance(n, dict | list)] + _step(nodes, segment)
        if not nodes:
            return None
    if crossed:
        return [v for v in _flatten(nodes) if v is not None]
    return nodes[0]


# --- the parser --------------------------------------------------------------------------------


def field_map(records: list[dict], options: Options, fmt: str) -> dict[str, str]:
    """field -> path: the user's --map, then fields found by name among the records' own keys."""
    for name in options.fields:
        if name not in FIELDS:
            raise ParseError(
                fmt,
                f"--map {name}=…",
                M("unknown field '%(name)s'; fields: %(fields)s", name=name, fields=", ".join(FIELDS)),
            )
    keys = list(dict.fromkeys(str(k) for r in records[:200] for k in r))
    mapped = dict(options.fields)
    used = set(mapped.values())
    for name, index in match_fields(keys).items():
        if name not in mapped and keys[index] not in used and name in FIELDS:
            mapped[name] = keys[index]
    return mapped


def records_of(doc: Any, options: Options, fmt: str) -> tuple[str, list[dict]]:
    """(the path, the records): --records, else a top-level list; else ParseError asking which list."""
    path = options.records
    if path is None:
        if isinstance(doc, list) and any(isinstance(x, dict) for x in doc):
            path = "."
        else:
            lists = candidates(doc, limit=6)
            kind = "YAML" if fmt == YAML else "JSON"
            if not lists:
                raise ParseError(
                    fmt,
                    M("top level"),
                    M("%(kind)s with no list of items in it: %(shape)s", kind=kind, shape=describe(doc)),
                )
            shown = "; ".join(f"{p} ({n} items: {', '.join(keys[:6])})" for p, n, keys in lists)
            raise ParseError(
                fmt,
                M("top level"),
                M("which list holds the sessions? give --records PATH (and --map FIELD=PATH): %(lists)s", lists=shown),
                answer=("map",),
            )
    found = select(doc, path)
    if not found:
        lists = ", ".join(p for p, _n, _k in candidates(doc, limit=6)) or "-"
        raise ParseError(
            fmt,
            f"--records {path}",
            M("no list of items there; lists in the file: %(lists)s", lists=lists),
            answer=("map",),
        )
    return path, found


def parse_document(doc: Any, options: Options, fmt: str) -> Timetable:
    path, found = records_of(doc, options, fmt)
    mapped = field_map(found, options, fmt)
    if "title" not in mapped and "type" not in mapped:
        keys = ", ".join(dict.fromkeys(str(k) for r in found[:50] for k in r))
        raise ParseError(
            fmt,
            f"--records {path}",
            M("no title field: give --map title=PATH (the items have: %(keys)s)", keys=keys),
            answer=("map",),
        )
    sample = first_moment(value(r, mapped["start"]) for r in found[:50]) if "start" in mapped else None
    tz_name, notes = resolve_zone(fmt, "", options, sample if sample and sample.tzinfo else None)
    reader = RowReader(fmt, options, zone(tz_name), column=mapped, untitled="skip")
    label = "" if path == "." else path
    rows = (
        Row(f"{label}[{index}]", {field: value(record, where) for field, where in mapped.items()})
        for index, record in enumerate(found)
    )
    built = reader.build(rows)
    notes.append(
        M(
            "%(n)d items in %(path)s; fields: %(fields)s",
            n=len(found),
            path=path,
            fields=", ".join(f"{f}={p}" for f, p in mapped.items()),
        )
    )
    used = {p.split(".")[0] for p in mapped.values()}
    unused = [k for k in dict.fromkeys(str(k) for r in found[:200] for k in r) if k not in used]
    if unused:
        notes.append(M("fields not used: %(fields)s", fields=", ".join(unused[:30])))
    return Timetable(sessions=built.sessions, timezone=tz_name, notes=notes + built.notes, skipped=built.skipped)


def parse_json(data: bytes, options: Options) -> Timetable:
    return parse_document(load(data, JSON), options, JSON)


def parse_yaml(data: bytes, options: Options) -> Timetable:
    return parse_document(load(data, YAML), options, YAML)


# --- helping the import form choose ------------------------------------------------------------


@dataclass(frozen=True)
class MappingHelp:
    """What the import form offers for a custom JSON/YAML file: its lists, the paths inside the chosen
    list's items, and the fields found by name (what the import would use without --map)."""

    fmt: str  # custom-json, yaml, or csv (then `paths` are its columns and there are no lists)
    lists: tuple[tuple[str, int, tuple[str, ...]], ...]
    records: str | None  # the chosen (or only) list; None until one is chosen
    paths: tuple[str, ...] = ()
    suggested: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """Can the fields be chosen (a list is chosen, or the file is a spreadsheet)?"""
        return self.records is not None or self.fmt == "csv"


def paths_in(records: list[dict], depth: int = 2) -> list[str]:
    """Dotted paths found in the items (`speakers.name` for a list of speaker objects), commonest first."""
    found: Counter = Counter()

    def walk(node: Any, prefix: str, level: int) -> None:
        if isinstance(node, list):
            for item in node[:20]:
                walk(item, prefix, level)
            return
        if not isinstance(node, dict) or level > depth:
            return
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            found[path] += 1
            if isinstance(value, dict | list) and any(isinstance(v, dict) for v in _flatten([value])):
                walk(value, path, level + 1)

    for record in records[:200]:
        walk(record, "", 1)
    return [p for p, _n in found.most_common(60)]


def mapping_help(doc: Any, fmt: str, records: str | None) -> MappingHelp:
    lists = tuple((p, n, tuple(k)) for p, n, k in candidates(doc))
    if records is None and isinstance(doc, list):
        records = "."
    if records is None and len(lists) == 1:
        records = lists[0][0]
    if records is None:
        return MappingHelp(fmt=fmt, lists=lists, records=None)
    found = select(doc, records)
    options = Options(records=records)
    return MappingHelp(
        fmt=fmt,
        lists=lists,
        records=records,
        paths=tuple(paths_in(found)),
        suggested=field_map(found, options, fmt) if found else {},
    )
