"""Time sendplan as whole processes against the floor `python -c "import yaml, json"` and Taskwarrior.

Every command of a round runs once, in turn, so slow moments of the machine hit all of them
alike; a figure is the median over the rounds, and a ratio the median of the per-round ratios
(paired runs). Peak memory is each timed process's own maximum resident set (through
/usr/bin/time), the most over its rounds. Results print as a table and go to
benchmarks/out/results.{json,md}.

    python benchmarks/run.py                       # bundled plan, 1k, 10k and 100k items
    python benchmarks/run.py --sizes 1000 --repeat 5
    python benchmarks/run.py --no-taskwarrior
    python benchmarks/run.py --sizes --no-taskwarrior   # the bundled plan and the folder of 150 plans only

"Warm" runs read the plan cache (the usual case: the plan has not changed since the last
command); "cold" runs set SENDPLAN_NO_CACHE=1, as the first command after an edit does.
The cache used here is benchmarks/out/cache, never the user's own. Tables are timed "on a real
terminal": through `script`, against the floor run through `script` too, with no pager.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
AS_OF = "2022-06-01"
BUNDLED = REPO / "sendplan" / "data" / "plan.yaml"
BUNDLED_ITEMS = 57

# command label → (most times its floor, the floor's label), on the bundled plan
TARGETS = {
    "--help": (1.5, "floor"),
    "overdue --json": (2.0, "floor"),
    "overdue (table)": (3.0, "floor (terminal)"),
}
# Commands whose cost per item at 100,000 items must stay within 1.5× of that at 10,000.
FLAT = ("overdue --json", "overdue --json (cold)", "report", "validate", "validate (cold)", "status", "list --json", "done (edit)")


@dataclass
class Timing:
    label: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0
    exit_codes: set[int] = field(default_factory=set)
    # Commands taken in turn, one per run (an edit must change a different item each time).
    variants: list[list[str]] = field(default_factory=list)
    runs: int = 0

    def next_command(self) -> list[str]:
        command = self.variants[self.runs % len(self.variants)] if self.variants else self.command
        self.runs += 1
        return command

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


# A child's peak memory (ru_maxrss) starts from the size of the process that forked it, so
# commands are started through the small /usr/bin/time, which also reports that peak.
TIME = shutil.which("time", path="/usr/bin:/bin")
SCRIPT = shutil.which("script")


def run_once(timing: Timing, cwd: Path) -> float:
    """Run one process; record wall time, exit code and its own peak memory."""
    # Compiled modules are kept (and reused) as they are for users: with PYTHONDONTWRITEBYTECODE
    # every module changed since the last compile would be compiled again in every run.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env.update(timing.env)
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        chosen = timing.next_command()
        command = [TIME, "-f", "%M", "-o", report.name, *chosen] if TIME else chosen
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        lines = report.read().split()
    peak = int(lines[-1]) if TIME and lines and lines[-1].isdigit() else usage.ru_maxrss  # kilobytes
    timing.seconds.append(elapsed)
    timing.peak_kb = max(timing.peak_kb, peak)
    timing.exit_codes.add(os.waitstatus_to_exitcode(status))
    return elapsed


def run_rounds(timings: list[Timing], repeat: int, cwd: Path) -> None:
    for timing in timings:  # one untimed run each: warms the page cache and the plan cache
        run_once(timing, cwd)
        timing.seconds.clear()
        timing.peak_kb = 0  # a warm-up run may have filled the cache: not what is measured
    for _ in range(repeat):
        for timing in timings:
            run_once(timing, cwd)


def paired(timing: Timing, base: Timing) -> float:
    """The median of the per-round ratios of *timing* to *base* (run side by side in each round)."""
    return statistics.median(ours / theirs for ours, theirs in zip(timing.seconds, base.seconds, strict=True))


def sendplan_command() -> list[str]:
    script = Path(sys.executable).parent / "sendplan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sendplan"]


def base_env(cache: Path) -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {
        "PYTHONPATH": f"{REPO}{os.pathsep}{path}" if path else str(REPO),
        "SENDPLAN_CACHE_DIR": str(cache),
        "SENDPLAN_PAGER": "",  # a table taller than the terminal is printed, not paged
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "LINES": "40",
    }


def on_terminal(command: list[str]) -> list[str]:
    """*command* run on a pseudo-terminal, as a person at a terminal runs it."""
    assert SCRIPT is not None
    return [SCRIPT, "-qec", shlex.join(command), "/dev/null"]


def plan_timings(plan: Path, env: dict[str, str], *, tables: bool) -> list[Timing]:
    sendplan = sendplan_command()
    common = ["--plan", str(plan), "--as-of", AS_OF]
    cold = {**env, "SENDPLAN_NO_CACHE": "1"}
    floor = [sys.executable, "-c", "import yaml, json"]
    timings = [
        Timing("floor", floor, env),
        Timing("--help", [*sendplan, "--help"], env),
        Timing("overdue --json", [*sendplan, "overdue", "--json", *common], env),
        Timing("overdue --json (cold)", [*sendplan, "overdue", "--json", *common], cold),
        Timing("by-lead AG --json", [*sendplan, "by-lead", "AG", "--json", *common], env),
        Timing("list --json", [*sendplan, "list", "--json", *common], env),
        Timing("status", [*sendplan, "status", "--format", "tsv", *common], env),
        Timing("report", [*sendplan, "report", *common], env),
        Timing("validate", [*sendplan, "validate", str(plan), "--as-of", AS_OF], env),
        Timing("validate (cold)", [*sendplan, "validate", str(plan), "--as-of", AS_OF], cold),
    ]
    if tables and SCRIPT:
        timings += [
            Timing("floor (terminal)", on_terminal(floor), env),
            Timing("overdue (table)", on_terminal([*sendplan, "overdue", *common]), env),
            Timing("list (table)", on_terminal([*sendplan, "list", *common]), env),
        ]
    timings.append(edit_timing(plan, env))
    return timings


def open_items(plan: Path, env: dict[str, str]) -> list[str]:
    """Ids of the items not yet complete or dropped, in plan order."""
    listing = subprocess.run(
        [*sendplan_command(), "list", "--json", "--plan", str(plan), "--as-of", AS_OF],
        env={**os.environ, **env}, capture_output=True, check=True,
    )  # fmt: skip
    return [row["id"] for row in json.loads(listing.stdout) if row["status"] not in ("complete", "dropped")]


def edit_timing(plan: Path, env: dict[str, str], label: str = "done (edit)") -> Timing:
    """`sendplan done ID` on a copy of the plan, a different open item each run, as a user
    marks items done one after another (each edit leaves the plan cached for the next)."""
    copy = OUT / f"edited-{plan.name}"
    shutil.copy(plan, copy)
    ids = open_items(copy, env)
    step = max(len(ids) // 64, 1)  # spread over the file: an item near the end costs the most to find
    variants = [[*sendplan_command(), "done", item_id, "--plan", str(copy), "--as-of", AS_OF] for item_id in ids[::step]]
    return Timing(label, variants[0], env, variants=variants)


# ---------------------------------------------------------------------------------------
# A portfolio: a folder of many small plans against one large plan


PORTFOLIO_PLANS = 150
PORTFOLIO_ITEMS = 60
PORTFOLIO_LIMIT = 1.5  # a folder of 150 × 60 items: at most this many times one 10k-item plan


def portfolio_folder() -> Path:
    """benchmarks/out/portfolio: PORTFOLIO_PLANS plans of PORTFOLIO_ITEMS items (made in a child process)."""
    folder = OUT / f"portfolio-{PORTFOLIO_PLANS}x{PORTFOLIO_ITEMS}"
    shutil.rmtree(folder, ignore_errors=True)
    command = [sys.executable, str(HERE / "generate.py"), str(PORTFOLIO_ITEMS), "--plans", str(PORTFOLIO_PLANS)]
    subprocess.run([*command, "--out", str(folder)], check=True)
    return folder


def portfolio_timings(folder: Path, large: Path, env: dict[str, str]) -> list[Timing]:
    """Warm `overdue --json` on the folder and on one 10k-item plan, in the same rounds (the pair
    the target compares), then the folder cold and two other questions asked of it."""
    sendplan = sendplan_command()
    on_folder = ["--plan", str(folder), "--as-of", AS_OF]
    cold = {**env, "SENDPLAN_NO_CACHE": "1"}
    return [
        Timing("10k plan: overdue --json", [*sendplan, "overdue", "--json", "--plan", str(large), "--as-of", AS_OF], env),
        Timing("folder: overdue --json", [*sendplan, "overdue", "--json", *on_folder], env),
        Timing("folder: overdue --json (cold)", [*sendplan, "overdue", "--json", *on_folder], cold),
        Timing("folder: leads --json", [*sendplan, "leads", "--json", *on_folder], env),
        Timing("folder: report", [*sendplan, "report", *on_folder], env),
    ]


def time_portfolio(
    env: dict[str, str], repeat: int, lines: list[str], checks: list[list[str]], results: dict[str, dict[str, dict[str, float]]]
) -> None:
    """Time the folder against the 10k plan; add the table, the paired ratio and the target."""
    folder = portfolio_folder()
    large = OUT / "plan-10000.yaml"
    if not large.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "10000", "--out", str(large)], check=True)
    timings = portfolio_timings(folder, large, env)
    print(f"timing a folder of {PORTFOLIO_PLANS} plans × {PORTFOLIO_ITEMS} items against one of 10,000, {repeat} rounds…", file=sys.stderr, flush=True)
    run_rounds(timings, repeat, OUT)
    single, many = timings[0], timings[1]
    ratio = statistics.median(ours / theirs for theirs, ours in zip(single.seconds, many.seconds, strict=True))
    results["portfolio"] = {
        timing.label: {"median_s": timing.median, "peak_mb": timing.peak_kb / 1024, "runs": len(timing.seconds)}
        for timing in timings
    }
    results["portfolio"]["paired ratio"] = {"folder_over_10k": ratio}
    size = sum(path.stat().st_size for path in folder.iterdir()) / 1e6
    lines += ["", f"## A folder of {PORTFOLIO_PLANS} plans × {PORTFOLIO_ITEMS} items ({size:.1f} MB), median of {repeat}", ""]
    rows = [[t.label, ms(t.median), mb(t.peak_kb), ",".join(map(str, sorted(t.exit_codes)))] for t in timings]
    lines.append(table(["command", "median", "peak memory", "exit"], rows))
    lines.append(f"\nPaired ratio folder / 10k plan, warm overdue --json (median of per-round ratios): {ratio:.2f}")
    checks.append(
        [f"folder of {PORTFOLIO_PLANS}×{PORTFOLIO_ITEMS}: overdue --json ≤ {PORTFOLIO_LIMIT:g}× one 10k plan", f"{ratio:.2f}×",
         "met" if ratio <= PORTFOLIO_LIMIT else "missed"]
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Taskwarrior


def ensure_taskwarrior() -> tuple[str | None, str]:
    """The path of `task`, installing Debian's package when we are root; or None and why not."""
    found = shutil.which("task")
    if found:
        return found, ""
    apt = shutil.which("apt-get")
    if apt is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None, "Taskwarrior is not installed and cannot be installed here (needs root and apt-get)."
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    if subprocess.run([apt, "install", "-y", "taskwarrior"], check=False, **quiet).returncode != 0:
        subprocess.run([apt, "update"], check=False, **quiet)
        subprocess.run([apt, "install", "-y", "taskwarrior"], check=False, **quiet)
    found = shutil.which("task")
    return (found, "") if found else (None, "apt-get could not install taskwarrior; comparison skipped.")


def taskwarrior_data(plan: Path, env: dict[str, str], folder: Path, task: str) -> tuple[dict[str, str], int]:
    """Import the plan's items as tasks (due dates as sendplan reads them today); TASKRC env and count."""
    listing = subprocess.run(
        [*sendplan_command(), "list", "--json", "--plan", str(plan), "--as-of", date.today().isoformat()],
        env={**os.environ, **env},
        capture_output=True,
        check=True,
    )
    tasks = []
    for row in json.loads(listing.stdout):
        # A recurring item that was completed is live again for its next occurrence.
        finished = row["status"] in ("complete", "dropped") and row["precision"] != "recurring"
        entry = {
            "description": row["action"] or row["deliverable"],
            "status": ("completed" if row["status"] == "complete" else "deleted") if finished else "pending",
            "entry": "20211101T000000Z",
            "project": f"task{row['task']}",
        }
        due = row["revised_deadline"] or row["deadline"]
        if due:
            entry["due"] = due.replace("-", "") + "T235959Z"  # overdue from the next day, as in sendplan
        if finished:
            entry["end"] = "20220101T000000Z"
        if row["lead"]:
            entry["tags"] = [row["lead"]]
        tasks.append(entry)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\nrecurrence=off\ngc=off\n",
        encoding="utf-8",
    )
    source = folder / "tasks.json"
    source.write_text(json.dumps(tasks), encoding="utf-8")
    tw_env = {"TASKRC": str(rc), "TZ": "UTC"}
    subprocess.run([task, "import", str(source)], env={**os.environ, **tw_env}, capture_output=True, check=True)
    return tw_env, len(tasks)


def done_pair(task: str, plan: Path, env: dict[str, str], repeat: int = 7) -> list[Timing]:
    """`task N done` and `sendplan done ID` in turn, each on an open task or item of its own
    copy of the 10,000-item plan, a different one each run."""
    with tempfile.TemporaryDirectory() as folder:
        tw_env, _ = taskwarrior_data(plan, env, Path(folder), task)
        pending = subprocess.run([task, "+PENDING", "export"], env={**os.environ, **tw_env}, capture_output=True, check=True)
        numbers = [str(entry["id"]) for entry in json.loads(pending.stdout) if entry.get("id")]
        step = max(len(numbers) // 64, 1)
        theirs = Timing("task N done", [], tw_env, variants=[[task, number, "done"] for number in numbers[::step]])
        ours = edit_timing(plan, env, "sendplan done ID")
        print("timing one edit: Taskwarrior against sendplan on 10,000 items…", file=sys.stderr, flush=True)
        run_rounds([theirs, ours], repeat, OUT)
    return [theirs, ours]


def count_json(command: list[str], env: dict[str, str]) -> int:
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, check=True)
    return len(json.loads(result.stdout))


def taskwarrior_side_by_side(
    task: str, plan: Path, items: int, env: dict[str, str], repeat: int
) -> tuple[list[str], dict[str, dict[str, float]], float, str]:
    """Taskwarrior's `task +OVERDUE export` and sendplan's warm `overdue --json` on the same
    items, side by side: (report lines, results, paired ratio, version)."""
    with tempfile.TemporaryDirectory() as folder:
        tw_env, imported = taskwarrior_data(plan, env, Path(folder), task)
        sendplan = [*sendplan_command(), "overdue", "--json", "--plan", str(plan)]  # today, as Taskwarrior
        pair = [Timing("task +OVERDUE export", [task, "+OVERDUE", "export"], tw_env), Timing("sendplan overdue --json", sendplan, env)]
        print(f"timing Taskwarrior against sendplan on {items:,} items…", file=sys.stderr, flush=True)
        run_rounds(pair, repeat, OUT)
        ratio = paired(pair[1], pair[0])
        counts = [count_json([task, "+OVERDUE", "export"], tw_env), count_json(sendplan, env)]
        version = subprocess.run([task, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    results = {
        timing.label: {"median_s": timing.median, "peak_mb": timing.peak_kb / 1024, "overdue": count}
        for timing, count in zip(pair, counts, strict=True)
    }
    results["paired ratio"] = {"sendplan_over_taskwarrior": ratio}
    lines = ["", f"## {items:,} items: Taskwarrior {version} ({imported:,} tasks imported), median of {repeat}", ""]
    lines.append(
        table(
            ["command", "median", "peak memory", "overdue items"],
            [[t.label, ms(t.median), mb(t.peak_kb), f"{c:,}"] for t, c in zip(pair, counts, strict=True)],
        )
    )
    lines.append(f"\nPaired ratio sendplan / Taskwarrior (median of per-round ratios): {ratio:.2f}")
    return lines, results, ratio, version


# ---------------------------------------------------------------------------------------
# Reporting


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def mb(kilobytes: int) -> str:
    return f"{kilobytes / 1024:,.0f} MB"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    """The machine, for the report's first line: CPU model and count, memory, Python."""
    model = platform.processor() or platform.machine()
    with_cpuinfo = Path("/proc/cpuinfo")
    if with_cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in with_cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0] if names else model
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = next((line.split()[1] for line in meminfo.read_text().splitlines() if line.startswith("MemTotal")), None)
        memory = f", {int(total) / 1024 / 1024:.0f} GB" if total else ""
    return f"{model}, {os.cpu_count()} CPUs{memory}, {platform.system()} {platform.release()}, Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000], help="synthetic plan sizes")
    parser.add_argument("--repeat", type=int, default=11, help="rounds for the bundled plan, 1k items and Taskwarrior at 10k")
    parser.add_argument("--repeat-10k", type=int, default=5, help="rounds for plans of up to 10k items")
    parser.add_argument("--repeat-large", type=int, default=3, help="rounds for plans over 10k items (and Taskwarrior there)")
    parser.add_argument(
        "--table-limit", type=int, default=10000, help="skip table commands for plans larger than this"
    )
    parser.add_argument("--no-taskwarrior", action="store_true")
    parser.add_argument("--no-portfolio", action="store_true", help="skip the folder of 150 plans")
    parser.add_argument("--no-limit", action="store_true", help="skip the million-item plan refused up front")
    args = parser.parse_args(argv)
    # A user's Python keeps compiled modules; without them every run would compile sendplan.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    OUT.mkdir(parents=True, exist_ok=True)
    cache = OUT / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = base_env(cache)
    results: dict[str, dict[str, dict[str, float]]] = {}
    lines: list[str] = [f"sendplan benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, {machine()}"]
    notes: list[str] = []

    plans: list[tuple[str, Path, int]] = [("bundled", BUNDLED, BUNDLED_ITEMS)]
    for size in args.sizes:
        path = OUT / f"plan-{size}.yaml"
        # In a child process: a forked child's peak memory counts what its parent held, so this
        # process never holds a large plan.
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), "--out", str(path)], check=True)
        plans.append((f"{size:,} items", path, size))

    checks: list[list[str]] = []
    for name, path, items in plans:
        repeat = args.repeat if items <= 1000 else args.repeat_10k if items <= 10000 else args.repeat_large
        tables = items <= args.table_limit
        timings = plan_timings(path, env, tables=tables)
        print(f"timing {name} ({path.stat().st_size:,} bytes), {repeat} rounds…", file=sys.stderr, flush=True)
        run_rounds(timings, repeat, OUT)
        by_label = {timing.label: timing for timing in timings}
        results[name] = {}
        rows = []
        for timing in timings:
            base = by_label["floor (terminal)" if "(table)" in timing.label or timing.label == "floor (terminal)" else "floor"]
            ratio = paired(timing, base)
            results[name][timing.label] = {
                "median_s": timing.median,
                "ratio_to_floor": ratio,
                "peak_mb": timing.peak_kb / 1024,
                "runs": len(timing.seconds),
            }
            rows.append([timing.label, ms(timing.median), f"{ratio:.2f}×", mb(timing.peak_kb), ",".join(map(str, sorted(timing.exit_codes)))])
        lines += ["", f"## {name} ({path.stat().st_size / 1e6:.1f} MB, median of {repeat})", ""]
        lines.append(table(["command", "median", "× floor (paired)", "peak memory", "exit"], rows))
        if not tables:
            notes.append(f"{name}: table commands skipped (--table-limit {args.table_limit}); rich takes ~1 ms per row.")
        if name == "bundled":
            for label, (limit, base) in TARGETS.items():
                if label in results[name]:
                    ratio = results[name][label]["ratio_to_floor"]
                    checks.append([f"bundled: {label} ≤ {limit:g}× {base}", f"{ratio:.2f}×", "met" if ratio <= limit else "missed"])

    # Per-item cost: the time a command adds per item over the same command on the bundled plan.
    per_item_rows = []
    for label in FLAT:
        row = [label]
        for name, _, items in plans[1:]:
            extra = results[name][label]["median_s"] - results["bundled"][label]["median_s"]
            cost = extra / (items - BUNDLED_ITEMS) * 1e6
            results[name][label]["per_item_us"] = cost
            row.append(f"{cost:.1f} µs")
        per_item_rows.append(row)
    if plans[1:]:  # only when there is a larger plan to compare with the bundled one
        lines += ["", "## Per-item cost (µs per item over the bundled plan)", ""]
        lines.append(table(["command", *[name for name, _, _ in plans[1:]]], per_item_rows))

    if not args.no_taskwarrior and any(size in args.sizes for size in (10000, 100000)):
        task, why = ensure_taskwarrior()
        if task is None:
            notes.append(why)
        else:
            for size in (10000, 100000):
                if size not in args.sizes:
                    continue
                repeat = args.repeat if size <= 10000 else args.repeat_large
                report, found, ratio, _version = taskwarrior_side_by_side(task, OUT / f"plan-{size}.yaml", size, env, repeat)
                lines += report
                results[f"taskwarrior {size}"] = found
                if size == 10000:
                    checks.append(["10k: overdue --json no slower than Taskwarrior", f"{ratio:.2f}×", "met" if ratio <= 1 else "missed"])
                    edits = done_pair(task, OUT / f"plan-{size}.yaml", env, args.repeat)
                    found.update({timing.label: {"median_s": timing.median, "peak_mb": timing.peak_kb / 1024} for timing in edits})
                    done_ratio = paired(edits[1], edits[0])
                    found["paired done ratio"] = {"sendplan_over_taskwarrior": done_ratio}
                    lines += ["", f"## 10,000 items: one edit, `task N done` against `sendplan done ID`, median of {args.repeat}", ""]
                    lines.append(table(["command", "median", "peak memory"], [[t.label, ms(t.median), mb(t.peak_kb)] for t in edits]))
                    lines.append(f"\nPaired ratio sendplan / Taskwarrior (median of per-round ratios): {done_ratio:.2f}")
                    checks.append(["10k: one done ≤ 2× Taskwarrior's task N done", f"{done_ratio:.2f}×", "met" if done_ratio <= 2 else "missed"])
                else:
                    checks.append(["100k: overdue --json against Taskwarrior", f"{ratio:.2f}×", "(reported)"])

    if not args.no_portfolio:
        time_portfolio(env, args.repeat_10k, lines, checks, results)

    large = [name for name, _, items in plans if items >= 100000]
    if large and any(items == 10000 for _, _, items in plans):
        name = large[0]
        ten = next(n for n, _, items in plans if items == 10000)
        for label in FLAT:
            growth = results[name][label]["per_item_us"] / results[ten][label]["per_item_us"]
            checks.append([f"100k: {label} per item ≤ 1.5× of 10k", f"{growth:.2f}×", "met" if growth <= 1.5 else "missed"])
        for kind, cold in (("warm", False), ("cold", True)):
            peak = max(values["peak_mb"] for label, values in results[name].items() if ("(cold)" in label) == cold)
            checks.append([f"100k: peak memory < 500 MB ({kind})", f"{peak:,.0f} MB", "met" if peak < 500 else "missed"])

    if not args.no_limit:
        # A million lean items (48 MB, under the size cap): refused before anything is parsed.
        path = OUT / "plan-1000000-lean.yaml"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "1000000", "--lean", "--out", str(path)], check=True)
        million = Timing("overdue --json (1,000,000 lean items)", [*sendplan_command(), "overdue", "--json", "--plan", str(path)], env)
        print("timing a million items…", file=sys.stderr, flush=True)
        run_rounds([million], 3, OUT)
        refused = million.exit_codes == {1}
        results["1,000,000 lean items"] = {"overdue --json": {"median_s": million.median, "peak_mb": million.peak_kb / 1024}}
        lines += ["", f"## 1,000,000 items ({path.stat().st_size / 1e6:.0f} MB, id and status only), median of 3", ""]
        lines.append(table(["command", "median", "peak memory", "exit"],
                           [[million.label, ms(million.median), mb(million.peak_kb), ",".join(map(str, sorted(million.exit_codes)))]]))  # fmt: skip
        answered = f"{'refused' if refused else 'answered'} in {million.median:.1f} s, {million.peak_kb / 1024:,.0f} MB"
        good = million.median < 60 and million.peak_kb < 2 * 1024 * 1024
        checks.append(["1M items: answered within a minute under 2 GB, or refused up front", answered, "met" if good else "missed"])

    lines += ["", "## Targets", "", table(["target", "measured", "result"], checks)]
    if notes:
        lines += ["", *[f"Note: {note}" for note in notes]]
    report = "\n".join(lines) + "\n"
    print(report)
    (OUT / "results.md").write_text(report, encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
