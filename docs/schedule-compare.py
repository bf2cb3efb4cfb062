#!/usr/bin/env python3
"""Compares two quickstart runs (the authors' rule, then a faster schedule) for docs/RESULTS.md, as markdown.

    python3 docs/schedule-compare.py RUN_AUTHORS RUN_FAST

The target is 95% of the normalized margin q_min/rho^L that the first run reaches at its last epoch (issue 15).
For each run: the first epoch at or above it, the wall seconds, SGD steps (rejected attempts included), attempts and
rejected attempts up to then, test accuracy there; the final epoch's margin and test accuracy; the smoothed-margin
decreases to the target and to the end; whether the training set stayed separated after separation; and the
margin at log10 loss -10, -20, -30.
Reads metrics.csv and config.yaml only; a bad run directory is one line on stderr and exit 2.
"""
import csv
import os
import sys

LOSS_LEVELS = [-10, -20, -30]


def fail(msg):
    print(f"schedule-compare.py: {msg}", file=sys.stderr)
    sys.exit(2)


def rows(run):
    path = os.path.join(run, "metrics.csv")
    if not os.path.isfile(path):
        fail(f"{path} is missing: give the run directories of two finished quickstart runs")
    with open(path) as f:
        out = list(csv.DictReader(f))
    need = ["epoch", "normalized_margin", "wall_seconds", "sgd_steps", "attempts", "rollbacks", "test_acc",
            "train_acc", "log10_loss", "smoothed_margin_decreases", "separated"]
    missing = [c for c in need if out and c not in out[0]]
    if not out or missing:
        fail(f"{path} lacks {', '.join(missing) or 'rows'}: it was written before the attempts and sgd_steps columns;"
             " re-run it with this version")
    return out


def num(r, k):
    v = r.get(k, "")
    return float(v) if v not in ("", "NaN") else float("nan")


def schedule_name(run):
    path = os.path.join(run, "config.yaml")
    try:
        with open(path) as f:
            for line in f:
                s = line.strip()
                if s.startswith("schedule:"):
                    return s.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def main():
    if len(sys.argv) != 3:
        fail("usage: schedule-compare.py RUN_AUTHORS RUN_FAST")
    runs = sys.argv[1:]
    data = [rows(r) for r in runs]
    target = 0.95 * num(data[0][-1], "normalized_margin")
    if not target > 0:
        fail(f"{runs[0]} ends with no positive normalized margin: no target to compare")
    print(f"Target: 95% of `{os.path.basename(runs[0])}`'s q_min/ρᴸ at its epoch {data[0][-1]['epoch']}, "
          f"{target:.4g}.")
    print()
    print("| run | schedule | epoch at target | wall s | SGD steps | attempts | rejected | test acc | final epoch |"
          " final q_min/ρᴸ | final test acc | γ̃ decreases (to target / final) | separated throughout |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    hits = []
    for run, rs in zip(runs, data):
        hit = next((r for r in rs if num(r, "normalized_margin") >= target), None)
        hits.append(hit)
        sep = [r for r in rs if r["separated"] in ("true", "True", "1")]
        first = int(sep[0]["epoch"]) if sep else None
        kept = first is not None and all(num(r, "train_acc") == 1.0 for r in rs if int(r["epoch"]) >= first)
        last = rs[-1]
        cells = [f"`{os.path.basename(run)}`", schedule_name(run)]
        if hit:
            cells += [hit["epoch"], f"{num(hit, 'wall_seconds'):.1f}", hit["sgd_steps"], hit["attempts"],
                      hit["rollbacks"], hit["test_acc"]]
        else:
            cells += ["not reached"] + ["–"] * 5
        decreases = (hit["smoothed_margin_decreases"] if hit else "–") + " / " + last["smoothed_margin_decreases"]
        cells += [last["epoch"], f"{num(last, 'normalized_margin'):.4g}", last["test_acc"], decreases,
                  ("yes, from epoch %d" % first) if kept else "no"]
        print("| " + " | ".join(cells) + " |")
    if all(hits):
        w = num(hits[1], "wall_seconds") / num(hits[0], "wall_seconds")
        s = num(hits[1], "sgd_steps") / num(hits[0], "sgd_steps")
        print()
        print(f"To the target, the second run took {w:.2f}× the wall time and {s:.2f}× the SGD steps of the first.")
    print()
    print("Normalized margin at the first epoch whose training loss is at or below each level:")
    print()
    print("| run | " + " | ".join(f"log10 loss {lv}" for lv in LOSS_LEVELS) + " |")
    print("|---|" + "---:|" * len(LOSS_LEVELS))
    for run, rs in zip(runs, data):
        cells = []
        for lv in LOSS_LEVELS:
            r = next((r for r in rs if num(r, "log10_loss") <= lv), None)
            cells.append(f"{num(r, 'normalized_margin'):.4g} (epoch {r['epoch']})" if r else "–")
        print(f"| `{os.path.basename(run)}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
