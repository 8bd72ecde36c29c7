"""Synthetic plans shaped like the real plan.yaml, for benchmarks.

Deterministic: the same size and seed always give the same bytes. The shape follows the
bundled West Northamptonshire plan (tasks → deliverables → items with id, action,
success_criteria, deadline, lead, status) with the variety a plan picks up in use: month and
day deadlines in the spellings people write, a few yearly deadlines, every status, completion
dates, a few revised deadlines, RAG ratings set by hand, progress notes and dependencies.

    python benchmarks/generate.py 10000 > plan-10k.yaml
    python benchmarks/generate.py 10000 --out benchmarks/out/plan-10k.yaml
    python benchmarks/generate.py 60 --plans 150 --out benchmarks/out/portfolio   # a folder of 150 plans

A folder's plans differ (plan N uses seed + N) but share the leads key, as a council's plans do.
"""

from __future__ import annotations

import argparse
import calendar
import random
import sys
from pathlib import Path

LEADS = {
    "AG": ("Anthony Giles", "Head of SEN assessment"),
    "CK": ("Chris Kiernan", "Interim assistant director"),
    "CW": ("Chris Wickens", "Head of school organisation and capital services"),
    "BB": ("Beth Bains", "Finance business partner, business support department"),
    "DA": ("Dana Adeyemi", "Designated clinical officer"),
    "HM": ("Helen Marsh", "Head of inclusion"),
    "JP": ("James Patel", "Principal educational psychologist"),
    "KR": ("Kate Rowe", "SEND commissioning manager"),
    "LT": ("Liam Turner", "Head of transport"),
    "MO": ("Mina Okafor", "Parent carer forum liaison"),
    "RS": ("Ruth Simmons", "Head of virtual school"),
    "TW": ("Tom Walsh", "Preparation for adulthood lead"),
}
# The real plan leans on one lead; so does this one.
LEAD_WEIGHTS = [30, 8, 8, 6, 6, 8, 6, 6, 4, 6, 6, 6]

MONTH_SPELLINGS = [
    ["Jan", "JAN", "January", "JANUARY"],
    ["Feb", "FEB", "February"],
    ["Mar", "MAR", "March", "MARCH"],
    ["Apr", "APR", "April", "APRIL"],
    ["May", "MAY"],
    ["Jun", "JUNE", "June"],
    ["Jul", "JULY", "July"],
    ["Aug", "AUG", "August"],
    ["Sep", "SEPT", "September", "Sept"],
    ["Oct", "OCT", "October"],
    ["Nov", "NOV", "November"],
    ["Dec", "DEC", "December"],
]

STATUSES = ["not_started", "on_track", "at_risk", "off_track", "complete", "dropped"]
STATUS_WEIGHTS = [40, 22, 10, 5, 19, 4]

WORDS = [
    "review", "EHCP", "assessment", "requests", "SENDCO", "working", "group", "ordinarily",
    "available", "document", "schools", "health", "parents", "carers", "local", "area", "panel",
    "decisions", "criteria", "funding", "high", "needs", "budget", "placement", "provision",
    "independent", "providers", "annual", "reviews", "transport", "transition", "preparation",
    "adulthood", "inclusion", "exclusions", "outreach", "capacity", "specialist", "places",
    "commissioning", "quality", "assurance", "audit", "training", "conference", "case", "officers",
    "timeliness", "twenty", "week", "outcomes", "evidence", "co-produced", "partners",
    "consultation", "tribunal", "appeals", "mediation", "early", "help", "graduated", "approach",
    "banding", "top-up", "resource", "base", "alternative", "provision", "monitoring", "dashboard",
    "report", "cabinet", "scrutiny",
]


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(["", "", ".", ";"])


def quoted(text: str) -> str:
    # The real plan double-quotes its prose; the generated words never hold a quote or backslash.
    return f'"{text}"'


def deadline(rng: random.Random, *, yearly: bool = True) -> str:
    """A deadline in one of the spellings the real plan uses, 2020-2024 (a few yearly)."""
    year = rng.randint(2020, 2024)
    month = rng.randint(1, 12)
    name = rng.choice(MONTH_SPELLINGS[month - 1])
    kind = rng.random()
    if kind < 0.02 and yearly:
        return f"every {calendar.month_name[month]}"
    if kind < 0.62:
        return f"{name} {year}"
    if kind < 0.67:
        return f"{name}{year}"
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    if kind < 0.85:
        return f"{day} {name[:3]} {year % 100:02d}"
    if kind < 0.95:
        return f"{year}-{month:02d}-{day:02d}"
    return f"{day:02d}/{month:02d}/{year}"


def day(rng: random.Random, year_low: int = 2021, year_high: int = 2024) -> str:
    year = rng.randint(year_low, year_high)
    month = rng.randint(1, 12)
    return f"{year}-{month:02d}-{rng.randint(1, calendar.monthrange(year, month)[1]):02d}"


def item_lines(rng: random.Random, item_id: str, earlier: list[str]) -> list[str]:
    pad = " " * 10
    lines = [f'{pad}- id: "{item_id}"']
    pad += "  "
    if rng.random() < 0.93:
        lines.append(f"{pad}action: {quoted(sentence(rng, 6, 20))}")
    if rng.random() < 0.97:
        lines.append(f"{pad}success_criteria:")
        for _ in range(rng.choices([1, 2, 3], [80, 15, 5])[0]):
            lines.append(f"{pad}  - {quoted(sentence(rng, 3, 11))}")
    if rng.random() < 0.96:
        lines.append(f"{pad}deadline: {deadline(rng)}")
    if rng.random() < 0.92:
        lines.append(f"{pad}lead: {rng.choices(list(LEADS), LEAD_WEIGHTS)[0]}")
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    lines.append(f"{pad}status: {status}")
    if status == "complete" and rng.random() < 0.8:
        lines.append(f"{pad}completed: {day(rng)}")
    if status in ("on_track", "at_risk", "off_track") and rng.random() < 0.15:
        lines.append(f"{pad}revised_deadline: {deadline(rng, yearly=False)}")
        lines.append(f"{pad}revision_reason: {quoted(sentence(rng, 5, 12))}")
    if rng.random() < 0.05:
        lines.append(f"{pad}rag: {rng.choice(['green', 'amber', 'red'])}")
        lines.append(f"{pad}rag_reason: {quoted(sentence(rng, 4, 10))}")
    if rng.random() < 0.1:
        lines.append(f"{pad}updates:")
        for _ in range(rng.randint(1, 2)):
            lines.append(f"{pad}  - date: {day(rng, 2021, 2023)}")
            lines.append(f"{pad}    by: {rng.choice(list(LEADS))}")
            lines.append(f"{pad}    text: {quoted(sentence(rng, 5, 20))}")
    if earlier and rng.random() < 0.05:
        lines.append(f"{pad}depends_on: [\"{rng.choice(earlier[-50:])}\"]")
    return lines


def lean(items: int) -> str:
    """A plan of *items* items with only an id and a status each (48 bytes an item): the most
    items a file of a given size can hold, to test the item limit."""
    out = ["# Lean plan made by benchmarks/generate.py --lean.", "plan:", f"  title: Lean plan ({items} items)", "tasks:"]
    per_task = 1000
    for task in range(1, (items + per_task - 1) // per_task + 1):
        out += [f"  - number: {task}", f"    title: Task {task}", "    deliverables:", "      - title: All", "        items:"]
        for number in range(1, min(per_task, items - (task - 1) * per_task) + 1):
            out += [f'          - id: "{task}.{number}"', "            status: on_track"]
    return "\n".join(out) + "\n"


def generate(items: int, seed: int = 7) -> str:
    """A plan of exactly *items* items as YAML text."""
    rng = random.Random(f"{seed}-{items}")
    out = [
        f"# Synthetic plan of {items} items made by benchmarks/generate.py (seed {seed}).",
        "plan:",
        f"  title: Synthetic SEND recovery plan ({items} items)",
        "  organisation: Example Council",
        "  service: Education service",
        "  date: Nov 2021",
        "leads:",
    ]
    for code, (name, title) in LEADS.items():
        out += [f"  {code}:", f"    name: {name}", f"    title: {quoted(title)}"]
    out.append("tasks:")
    made = 0
    task = 0
    earlier: list[str] = []
    while made < items:
        task += 1
        in_task = 0
        out += [
            f"  - number: {task}",
            f"    title: {quoted(sentence(rng, 6, 16))}",
            "    deliverables:",
        ]
        for _ in range(rng.randint(2, 6)):
            if made >= items:
                break
            out += [f"      - title: {quoted(sentence(rng, 6, 18))}", "        items:"]
            for _ in range(rng.randint(1, 5)):
                if made >= items:
                    break
                in_task += 1
                item_id = f"{task}.{in_task}"
                out += item_lines(rng, item_id, earlier)
                earlier.append(item_id)
                made += 1
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("items", type=int, help="how many items")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write here instead of standard output (a folder with --plans)")
    parser.add_argument("--plans", type=int, help="write this many plans of ITEMS items each into the folder --out")
    parser.add_argument("--lean", action="store_true", help="items with only an id and a status")
    args = parser.parse_args(argv)
    if args.plans:
        if not args.out:
            parser.error("--plans needs --out FOLDER")
        args.out.mkdir(parents=True, exist_ok=True)
        for number in range(args.plans):
            text = generate(args.items, args.seed + number)
            (args.out / f"plan-{number + 1:03d}.yaml").write_text(text, encoding="utf-8")
        return
    text = lean(args.items) if args.lean else generate(args.items, args.seed)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
