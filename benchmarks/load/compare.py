"""The load scenario on a baseline commit and on this tree, side by side, on the same machine.

    python benchmarks/load/compare.py [REF] [ROUNDS]

REF (default PIAL_LOAD_BASELINE, else 014ac8c — main before issue 23's page work) is checked out
in var/load/baseline (a git worktree); each round runs run.py's first run (1 gunicorn worker,
the 200 AESH + 20 coordinators of the scenario) on the baseline, then on this tree, each on a
database of its own, so a drift of the machine touches both alike. It prints, for each, the
requests per second served, the worker's median and mean CPU ms per request, and the requests
per second one core sustains (1000 / mean CPU ms), then the ratios; writes var/load/compare.md.
Every run keeps run.py's exactly-once checks of the hand-ins.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "var" / "load" / "baseline"


def checkout(ref: str) -> Path:
    if not BASELINE.exists():
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", BASELINE, ref], check=True,
                       capture_output=True)
    else:
        subprocess.run(["git", "-C", BASELINE, "checkout", "--detach", "--quiet", ref], check=True)
    return BASELINE


def one_run(root: Path, database: str) -> dict:
    """run.py's first run in `root`; its figures read from the results it writes."""
    env = {**os.environ, "LOAD_RUNS": "1", "PIAL_LOAD_DB": database}
    subprocess.run([sys.executable, root / "benchmarks" / "load" / "run.py"], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    text = (root / "var" / "load" / "results.md").read_text()

    def cell(label: str) -> str:
        return re.search(rf"^\| {re.escape(label)} \| ([^|]+) \|", text, re.M).group(1).strip()

    # The CPU table's « ensemble » row is the second one of that name (the first is locust's).
    rows = re.findall(r"^\| ensemble \| ([^|]+) \|", text, re.M)
    count, median_ms = (float(v) for v in rows[-1].split(", "))
    per_core = float(cell("requêtes / s par cœur (1000 / ms CPU moyen)"))
    checks = re.search(r"^- 1 worker : (\{.*\})", text, re.M).group(1)
    return {"rps": float(cell("requêtes par seconde")), "cpu_median_ms": median_ms, "requests": int(count),
            "per_core": per_core, "cpu_mean_ms": 1000 / per_core, "checks": checks}


def main(ref: str, rounds: int) -> str:
    base = checkout(ref)
    found = {"base": [], "change": []}
    for _ in range(rounds):
        found["base"].append(one_run(base, "pial_load_base"))
        found["change"].append(one_run(ROOT, "pial_load"))

    def med(side: str, key: str) -> float:
        return statistics.median(run[key] for run in found[side])

    keys = [("rps", "requêtes par seconde servies (1 worker)"), ("cpu_median_ms", "ms CPU médian par requête"),
            ("cpu_mean_ms", "ms CPU moyen par requête"), ("per_core", "requêtes / s par cœur (1000 / ms CPU moyen)")]
    lines = [f"Charge, même scénario, 1 worker, {rounds} tour(s) alternés : {ref} (avant) et cet arbre (après).", "",
             "| mesure | avant | après | après ÷ avant |", "|---|---|---|---|"]
    for key, label in keys:
        before, after = med("base", key), med("change", key)
        lines.append(f"| {label} | {before:.1f} | {after:.1f} | {after / before:.2f} |")
    for side in found:
        for run in found[side]:
            lines.append(f"- {'avant' if side == 'base' else 'après'} : {run['requests']} requêtes ; {run['checks']}")
    text = "\n".join(lines)
    (ROOT / "var" / "load").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "load" / "compare.md").write_text(text + "\n")
    return text


if __name__ == "__main__":
    args = sys.argv[1:]
    print(main(args[0] if args else os.environ.get("PIAL_LOAD_BASELINE", "014ac8c"),
               int(args[1]) if len(args) > 1 else 1))
