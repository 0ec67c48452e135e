"""Mutation testing of the core, one package at a time (docs/testing.md; not part of .ci/run: it is slow).

    bash .ci/mutation [--resume | --survivors | --survived] [package ...]   (default: every package, in order)
    bash .ci/mutation --sample N [package ...]                     (a random N of each package's mutants)
    bash .ci/mutation --table                                      (only print the table of the last runs)

mutmut (configured in pyproject.toml's [tool.mutmut]) copies conference/ to mutants/, writes every mutant of
the core modules there and runs the fast tests that cover each one. A package's mutants are named by the
globs below. Without an option every mutant of the package is tested again; --resume tests only those not
yet tested (after an interrupted run, or after `git merge` changed some functions); --survivors tests again
those that survived or timed out (after adding tests), --survived only those that survived or had no tests
(a timeout is counted as detected, as Stryker counts it, and is slow to test again). --sample N draws N of the package's mutants at random
(a fixed seed, kept in mutants/mutation-sample.json, so that a later --sample or --survivors works on the same
ones) and tests those not yet tested: for the big packages, where every mutant is hours of both cores, the
sample's score estimates the package's, and the table gives its 95% interval (Wilson). The table (mutants made, killed, survived, timeouts,
suspicious, no tests, the score, how long the run took, the date and the commit) is printed and kept in
mutants/mutation-table.md.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
import time
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
TIMES = MUTANTS / "mutation-times.json"
TABLE = MUTANTS / "mutation-table.md"
SAMPLE = MUTANTS / "mutation-sample.json"
SEED = 20261129

# The core, by package: mutant-name globs (module path + "."). Every module of pyproject's only_mutate is in one.
PACKAGES: dict[str, tuple[str, ...]] = {
    "parsers": ("conference.parsers.*", "conference.model.*"),
    "store": (  # store/access.py (logins, the limiter, tokens) is counted with security
        "conference.store.x_*",
        "conference.store.attendee.*",
        "conference.store.backup.*",
        "conference.store.conferences.*",
        "conference.store.connection.*",
        "conference.store.media.*",
        "conference.store.pending.*",
        "conference.store.search.*",
        "conference.store.timetable.*",
    ),
    "importer": ("conference.importer.*", "conference.merge.*"),
    "planning": ("conference.planning.*", "conference.grid.*"),
    "notes": ("conference.notes.*",),
    "exports": ("conference.exports.*",),
    "security": ("conference.views.auth.*", "conference.store.access.*", "conference.links.*", "conference.text.*"),
    "fetch": ("conference.fetch.*", "conference.titles.*"),
}

# mutmut's exit codes as it reports them (mutmut/stats.py): 1 and 3 killed, 0 survived, 33 and 5 no tests,
# 36, 24, -24, 152 and 255 timeout, 37 caught by a type check (not used here), 34 skipped, None not run.
KILLED, SURVIVED, NO_TESTS, TIMEOUT, SKIPPED = {1, 3}, {0}, {5, 33}, {36, 24, -24, 152, 255}, {34}


def results() -> dict[str, int | None]:
    """Every mutant mutmut made (its name) -> its exit code (None: not tested yet)."""
    found: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.glob("conference/**/*.py.meta")):
        found.update(json.loads(meta.read_text("utf-8"))["exit_code_by_key"])
    return found


def package_of(name: str) -> str | None:
    return next((p for p, globs in PACKAGES.items() if any(fnmatch(name, g) for g in globs)), None)


def verdict(code: int | None) -> str:
    if code is None:
        return "not run"
    for label, codes in (
        ("killed", KILLED),
        ("survived", SURVIVED),
        ("no tests", NO_TESTS),
        ("timeout", TIMEOUT),
        ("skipped", SKIPPED),
    ):
        if code in codes:
            return label
    return "suspicious"  # a crash, a segfault: neither a clean pass nor a test failure


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "conference"], cwd=ROOT, capture_output=True, text=True)
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% interval of a proportion seen as hits of n (Wilson's score interval), in percent."""
    if not n:
        return (0.0, 100.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def samples() -> dict[str, list[str]]:
    return json.loads(SAMPLE.read_text("utf-8")) if SAMPLE.exists() else {}


def sample_line(package: str, found: dict[str, int | None]) -> str:
    """The sample's verdicts and estimate: "412 of 500 tested: 301 killed, 12 timeout -> 76.0% (71.6-79.9)"."""
    names = [n for n in samples().get(package, []) if n in found]
    if not names:
        return "-"
    verdicts = [verdict(found[n]) for n in names]
    tested = [v for v in verdicts if v != "not run"]
    killed, timeouts = tested.count("killed"), tested.count("timeout")
    low, high = wilson(killed + timeouts, len(tested))
    score = f"{100 * (killed + timeouts) / len(tested):.1f}% ({low:.1f}-{high:.1f})" if tested else "-"
    return f"{len(tested)} of {len(names)} tested: {killed} killed, {timeouts} timeout -> {score}"


def table() -> str:
    times = json.loads(TIMES.read_text("utf-8")) if TIMES.exists() else {}
    found = results()
    counts: dict[str, dict[str, int]] = {p: {} for p in PACKAGES}
    for name, code in found.items():
        package = package_of(name)
        if package:
            counts[package][verdict(code)] = counts[package].get(verdict(code), 0) + 1
    lines = [
        "| package | mutants | killed | survived | timeout | suspicious | no tests | not run | killed % | "
        "detected % | run took | run on (commit) | random sample: detected % (95% interval) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for package, c in counts.items():
        total = sum(c.values())
        tested = total - c.get("not run", 0)
        score = f"{100 * c.get('killed', 0) / tested:.1f}" if tested else "-"
        detected = f"{100 * (c.get('killed', 0) + c.get('timeout', 0)) / tested:.1f}" if tested else "-"
        run = times.get(package, {})
        took = f"{run['seconds'] / 60:.0f} min" if run else "-"
        lines.append(
            f"| {package} | {total} | {c.get('killed', 0)} | {c.get('survived', 0)} | {c.get('timeout', 0)} | "
            f"{c.get('suspicious', 0)} | {c.get('no tests', 0)} | {c.get('not run', 0)} | {score} | {detected} | "
            f"{took} | {run.get('date', '-')} ({run.get('commit', '-')}) | {sample_line(package, found)} |"
        )
    return "\n".join(lines) + "\n"


def survivors(package: str) -> list[str]:
    return sorted(
        n for n, code in results().items() if package_of(n) == package and verdict(code) in ("survived", "timeout")
    )


def fresh_catalogs() -> None:
    """The compiled translations (.mo, not committed) as the .po files say now, in the tree and in mutants/:
    mutmut copies conference/ once and keeps its copy's .mo files, which a merge makes stale (the tests
    then fail on the unmutated code: "failed to collect stats")."""
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", "from conference.i18n import compile_catalogs; compile_catalogs()"],
        cwd=ROOT,
        check=True,
    )
    for mo in (ROOT / "conference/translations").glob("*/LC_MESSAGES/messages.mo"):
        copy = MUTANTS / mo.relative_to(ROOT)
        if copy.parent.is_dir():
            shutil.copyfile(mo, copy)


def draw(package: str, size: int) -> list[str]:
    """The package's sample: drawn once (seeded), kept; a bigger --sample adds to it, never redraws."""
    kept = samples()
    mine = sorted(n for n in results() if package_of(n) == package)
    have = [n for n in kept.get(package, []) if n in mine]
    if len(have) < size:
        taken = set(have)
        rest = [n for n in mine if n not in taken]
        have += random.Random(f"{SEED}-{package}-{len(have)}").sample(rest, min(size - len(have), len(rest)))
    kept[package] = have
    SAMPLE.write_text(json.dumps(kept, indent=1), "utf-8")
    return have


def run(package: str, mode: str, size: int = 0) -> None:
    if mode == "all":
        names = list(PACKAGES[package])
    elif mode == "sample":
        found = results()
        if not any(package_of(n) == package for n in found):
            sys.exit(
                f"{package}: no mutants made yet; `bash .ci/mutation --resume {package}` makes them (stop it after)"
            )
        names = [n for n in draw(package, size) if found.get(n) is None]
        if not names:
            print(f"{package}: every mutant of the sample is tested", flush=True)
            return
    else:
        wanted = {"resume": ("not run",), "survived": ("survived", "no tests")}.get(mode, ("survived", "timeout"))
        mine = {n: verdict(code) for n, code in results().items() if package_of(n) == package}
        names = sorted(n for n, v in mine.items() if v in wanted)
        if not names and mine:
            print(f"{package}: nothing to test ({mode})", flush=True)
            return
        if len(names) == len(mine):  # all of them (or none generated yet): the globs, quicker for mutmut to match
            names = list(PACKAGES[package])
    fresh_catalogs()
    print(f"== {package}: mutmut run ({len(names)} names or globs)", flush=True)
    started = time.monotonic()
    done = subprocess.run([str(ROOT / ".venv/bin/mutmut"), "run", *names], cwd=ROOT)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"mutmut stopped with exit code {done.returncode} on {package}")
    times = json.loads(TIMES.read_text("utf-8")) if TIMES.exists() else {}
    if mode == "all" or package not in times:
        times[package] = {"seconds": seconds, "date": date.today().isoformat(), "commit": commit(), "mode": mode}
    else:  # a resumed or survivors-only run adds its time to the package's run and moves its date on
        times[package].update(
            seconds=times[package]["seconds"] + seconds, date=date.today().isoformat(), commit=commit()
        )
    TIMES.write_text(json.dumps(times, indent=1), "utf-8")


def main(argv: list[str]) -> None:
    mode, size = "all", 0
    if argv and argv[0] in ("--resume", "--survivors", "--survived", "--table", "--sample"):
        mode = argv.pop(0).removeprefix("--")
    if mode == "sample":
        if not argv or not argv[0].isdigit():
            sys.exit("--sample needs the number of mutants to draw from each package: --sample 400 parsers")
        size = int(argv.pop(0))
    if mode != "table":
        unknown = [p for p in argv if p not in PACKAGES]
        if unknown:
            sys.exit(f"unknown package(s) {', '.join(unknown)}; the packages are {', '.join(PACKAGES)}")
        for package in argv or list(PACKAGES):
            run(package, mode, size)
    text = table()
    TABLE.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
