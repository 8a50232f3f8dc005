"""Hostile input, generated: for every kind of file a salon holds, text that is garbage, YAML
of any shape, or a valid file with random edits. Whatever it is, reading it raises nothing
but salonctl's own problems, each at PATH:LINE:COL, in under a second.

The per-kind readers run 2,000 cases a kind (the long tier 20,000: `python -m pytest -m
long`); whole commands run fewer, slower cases: every command's arguments, and agreement:
for a generated bad file, `check` fails if and only if the command that reads it says so."""

from __future__ import annotations

import gc
import io
import json
import random
import re
import resource
import shutil
import time
import tracemalloc
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salonctl.cli import main
from salonctl.disk import yamlio
from salonctl.engine import scripts
from salonctl.errors import Problem
from salonctl.files import codec, outbox, rulebook, rulefile

WHERE = "/salon/file.yaml"
TOKENS = [": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!python/object:os.system ", "0x10",
          "1:30", "\t", "\n", "'", '"', "#", "~", "null", "1e4300", "-5", "2026-02-30", "9999-12-31",
          "0001-01-01", "\x00", "\x1b", "\u2028", "王丽", "? ", "|\n", ">\n", "%YAML 1.1\n", "---\n"]
KEYS = ["id", "name", "phone", "date", "client", "amount", "ref", "anchor", "offsets", "window",
        "months", "x", "day", "status", "services", "products", "callback", "time", "outcome"]
SAMPLES = {
    "clients": "- id: c0001\n  name: 王丽\n  phone: '0612345670'\n  gender: female\n"
               "  birthday: 1990-05-01\n  category: member\n- id: c0002\n  name: Anna\n"
               "  phone: '0698765432'\n  referred_by: c0001\n",
    "visits": "- {id: v-20261124-1, client: c0001, date: 2026-11-24, services: [补水], "
              "products: [{name: 精华, category: care}], amount: 380}\n",
    "calls": "- {id: call-20261124-1, client: c0001, date: 2026-11-24, outcome: not-convenient, "
             "callback: 2026-11-26}\n",
    "salon": "name: 悦颜\nlanguage: zh-CN\nopening:\n  closed_weekdays: [monday]\n"
             "follow_up:\n  max_tries: 3\n  calls_per_day: 20\nplan:\n  fixed_costs: {rent: 9000}\n",
    "rules": "- id: purchase-1-3-7\n  ref: R1\n  title: 售后\n  anchor: purchase\n"
             "  offsets: [1, 3, 7]\n  window: {late: 1}\n  script: purchase-day-{offset}\n",
    "template": "{salutation}您好，{products}用了{days_since}天了。\n[book]我帮您约上。\n",
    "cycle": rulebook.cycle_file_text("zh-CN"),
    "outbox": "- {day: 2026-11-24, to: a@b.cn, message_id: '<x@y>', status: sent}\n",
}


def _read(kind: str, text: str, tmp: Path) -> list[Problem]:
    """Read one file of `kind` the way `check` does; its problems."""
    if kind == "template":
        allowed = scripts.COMMON_FIELDS | scripts.ANCHOR_FIELDS["purchase"]
        return scripts.Template("t", WHERE, text).problems(allowed)
    if kind == "outbox":
        (tmp / "outbox").mkdir(exist_ok=True)
        (tmp / "outbox/2026-11.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        return outbox.problems(tmp, str(tmp))
    raw, problems = yamlio.parse(text, WHERE)
    if problems:
        return problems
    readers: dict[str, Callable[[], list[Problem]]] = {
        "clients": lambda: codec.clients_from(raw, WHERE)[2],
        "visits": lambda: codec.entries_from(codec.JOURNALS[0], raw or [], WHERE, (2026, 11))[1]
        if raw is None or isinstance(raw, list) else [Problem(WHERE, 1, 1, "not a list")],
        "calls": lambda: codec.entries_from(codec.JOURNALS[4], raw or [], WHERE, (2026, 11))[1]
        if raw is None or isinstance(raw, list) else [Problem(WHERE, 1, 1, "not a list")],
        "salon": lambda: codec.settings_from(raw, WHERE)[1] if isinstance(raw, dict)
        else [Problem(WHERE, 1, 1, "not settings")],
        "rules": lambda: rulefile.read_rules(raw, WHERE)[1],
        "cycle": lambda: rulebook.read_cycle(raw, WHERE)[1] if isinstance(raw, dict)
        else [Problem(WHERE, 1, 1, "not a cycle")],
    }
    return readers[kind]()


def _scalar(rng: random.Random) -> object:
    return rng.choice([
        None, True, rng.randint(-10**30, 10**30), rng.random() * 10**rng.randint(-5, 300),
        float("nan"), _garbage(rng, 20), rng.choice(TOKENS),
        f"{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}",
    ])


def _shape(rng: random.Random, depth: int = 0) -> object:
    """Any YAML data: nested lists and mappings of odd scalars, with salonctl's keys."""
    roll = rng.random()
    if depth > 4 or roll < 0.4:
        return _scalar(rng)
    if roll < 0.7:
        return [_shape(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(KEYS): _shape(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def _garbage(rng: random.Random, size: int) -> str:
    # (no surrogates: files are read as UTF-8, which has none)
    alphabet = "abc:-[]{},'\"#&*!|>%@` \t\n\r0123456789王丽\x00\x1b\u2028\x85"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, size)))


def make_case(rng: random.Random, kind: str) -> str:
    """One hostile file of `kind`: garbage, YAML of any shape, or a valid file edited."""
    how = rng.choice(["garbage", "shape", "edit", "edit", "edit"])
    if how == "garbage":
        return _garbage(rng, 300)
    if how == "shape":
        try:
            return yaml.safe_dump(_shape(rng), allow_unicode=True)
        except (yaml.YAMLError, UnicodeError):
            return ""
    text = SAMPLES[kind]
    for _ in range(rng.randint(1, 3)):
        start = rng.randint(0, len(text))
        end = rng.randint(start, min(len(text), start + 12))
        text = text[:start] + rng.choice([rng.choice(TOKENS), _garbage(rng, 8)]) + text[end:]
    return text


def hostile(kind: str) -> st.SearchStrategy[str]:
    """Hypothesis drives the cases (and shrinks a failing one), through its Random."""
    return st.randoms(use_true_random=False).map(lambda rng: make_case(rng, kind))


def _judge(kind: str, text: str, tmp: Path, baseline_kb: int) -> None:
    gc.disable()  # a collection of the whole run's garbage is not this input's cost
    try:
        start = time.process_time()
        problems = _read(kind, text, tmp)
        spent = time.process_time() - start
    finally:
        gc.enable()
    assert spent < 1.0, f"{spent:.2f} s of CPU for one file"
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1, problem
        assert re.fullmatch(r".+:\d+:\d+: .+", str(problem), re.DOTALL), problem
    # the process's high-water mark since this kind's run began: no case took 200 MB more
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline_kb
    assert grown < 200_000, f"the process grew {grown:,} KB"


def _fuzz(kind: str, cases: int, tmp_path: Path) -> None:
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @settings(max_examples=cases, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(hostile(kind))
    def one(text: str) -> None:
        _judge(kind, text, tmp_path, baseline)

    one()


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_hostile_files_pr_tier(kind: str, tmp_path: Path) -> None:
    _fuzz(kind, 2000, tmp_path)


@pytest.mark.long
@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_hostile_files_long_tier(kind: str, tmp_path: Path) -> None:
    _fuzz(kind, 20_000, tmp_path)


def test_known_bombs_are_refused_quickly(tmp_path: Path) -> None:
    bombs = [
        "a: &a [" + ",".join(["x"] * 10) + "]\n" + "".join(
            f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
        "x: " + "[" * 30_000 + "]" * 30_000 + "\n",
        "- " * 5_000 + "x\n",
    ]
    for bomb in bombs:
        tracemalloc.start()
        start = time.perf_counter()
        problems = _read("clients", bomb, tmp_path)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert problems and elapsed < 1.5 and peak < 200 * 2**20, (elapsed, peak)


# --- whole commands ---------------------------------------------------------------------

DEMO = Path(__file__).parents[1] / "data"
FILES = {"clients": "clients/0000.yaml", "visits": "journal/visits/2026-11.yaml",
         "calls": "journal/calls/2026-11.yaml", "salon": "salon.yaml", "rules": "rules.yaml",
         "template": "templates/zh-CN/purchase-day-1.txt", "cycle": "cycle.yaml"}
# The command that reads each kind (the plans read the cycle; every other kind, the sheet).
READER = {kind: ("due", "--format", "json") for kind in FILES} | {
    "cycle": ("plan", "year", "2027", "--format", "json")}


def _cli(root: Path, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(["--data", str(root), "--today", "2026-11-24", *args])
    return code, err.getvalue()


def _small_salon(tmp: Path) -> Path:
    root = tmp / "salon"
    if root.exists():
        shutil.rmtree(root)
    assert main(["init", str(root)]) == 0
    for kind, relative in FILES.items():
        if kind not in ("salon", "rules", "cycle"):
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(SAMPLES[kind], encoding="utf-8")
    return root


def _agreement(cases: int, tmp_path: Path) -> None:
    @settings(max_examples=cases, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sorted(FILES)).flatmap(lambda k: st.tuples(st.just(k), hostile(k))))
    def one(case: tuple[str, str]) -> None:
        kind, text = case
        root = _small_salon(tmp_path)
        path = root / FILES[kind]
        if kind in ("salon", "rules", "cycle"):
            text = path.read_text(encoding="utf-8") if not text.strip() else text
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        checked, said = _cli(root, "check", "--fix")
        due, told = _cli(root, *READER[kind])
        assert checked in (0, 65) and due in (0, 2, 65), (said, told)
        assert "internal error" not in said + told
        assert (checked == 65) == (due != 0), (kind, text, said, told)

    one()


def test_check_and_the_sheet_agree_on_generated_bad_files(tmp_path: Path) -> None:
    _agreement(120, tmp_path)


@pytest.mark.long
def test_check_and_the_sheet_agree_long_tier(tmp_path: Path) -> None:
    _agreement(2000, tmp_path)


ARGUMENTS = [
    ("visit", "add", "c0001", "--amount", "{}"), ("visit", "add", "c0001", "--date", "{}"),
    ("visit", "add", "c0001", "--service", "{}"), ("visit", "add", "c0001", "--product", "{}"),
    ("call", "log", "c0001", "--outcome", "{}"),
    ("call", "log", "c0001", "--outcome", "not-convenient", "--callback", "{}"),
    ("client", "add", "{}", "--phone", "0612345679"), ("client", "add", "N", "--phone", "{}"),
    ("client", "add", "N", "--phone", "0612345678", "--birthday", "{}"),
    ("client", "add", "N", "--phone", "0612345677", "--lunar-birthday", "{}"),
    ("client", "edit", "c0001", "--set", "{}"), ("due", "{}"), ("due", "--since", "{}", "--missed"),
    ("plan", "year", "{}"), ("plan", "year", "--target", "{}"), ("plan", "month", "{}"),
    ("appointment", "add", "c0001", "--at", "{}"), ("card", "add", "c0001", "--type", "{}"),
    ("card", "add", "c0001", "--type", "x", "--balance", "{}"), ("why", "{}"),
    ("course", "add", "c0001", "--name", "x", "--start", "2026-11-01", "--end", "{}"),
    ("course", "add", "c0001", "--name", "x", "--start", "2026-11-01", "--end", "2026-12-01",
     "--check-days", "{}"),
]


def _arguments(cases: int, tmp_path: Path) -> None:
    root = _small_salon(tmp_path)
    values = st.one_of(st.text(max_size=40), st.sampled_from(TOKENS),
                       st.integers(-10**25, 10**25).map(str), st.dates().map(str))

    @settings(max_examples=cases, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(ARGUMENTS), values)
    def one(command: tuple[str, ...], value: str) -> None:
        args = [value if part == "{}" else part for part in command]
        code, said = _cli(root, *args)
        assert code in (0, 2, 65), (args, said)
        assert "internal error" not in said and "Traceback" not in said
        if code == 0 and args[0] in ("visit", "call", "client", "appointment", "card", "course"):
            assert _cli(root, "check", "--fix")[0] == 0, (args, said)

    one()


def test_every_commands_arguments(tmp_path: Path) -> None:
    _arguments(300, tmp_path)


@pytest.mark.long
def test_every_commands_arguments_long_tier(tmp_path: Path) -> None:
    _arguments(3000, tmp_path)


def test_the_sheet_of_a_salon_with_a_bad_record_is_still_json(tmp_path: Path) -> None:
    root = _small_salon(tmp_path)
    (root / FILES["visits"]).write_text(SAMPLES["visits"] + "- {id: broken\n")
    code, _ = _cli(root, "due", "--format", "json")
    assert code == 65
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        main(["--data", str(root), "--today", "2026-11-24", "due", "--format", "json"])
    assert isinstance(json.loads(out.getvalue()), list)
