#!/usr/bin/env python3
"""Rewrites docs/RESULTS.md's tables and figures from the run directories docs/reproduce.sh made.

RESULTS.md marks what this script owns with one-line directives; everything between a directive and its end mark
is replaced, the prose around it is left alone:

    <!-- table NAME -->            ... <!-- end table -->
    <!-- figure GROUP/FIGURE | alt text -->   ... <!-- end figure -->

A table names the commit of the runs it was read from (their provenance.json) and of the code that drew it. A
figure is copied from OUT/figures/GROUP/FIGURE.{png,pdf,csv} to docs/figures/GROUP-FIGURE.*, with a caption naming
the same. Standard library only (python3 >= 3.8).

    python3 docs/results-tables.py --out outputs/reproduce --results docs/RESULTS.md --figures docs/figures

With --only NAMES (comma-separated table names and figure groups, e.g. `--only schedules`), only those blocks are
rewritten and only their runs are read, so one section can be regenerated without every stage's runs.
"""
import argparse
import csv
import json
import math
import datetime
import os
import re
import shutil
import subprocess
import sys

EPS_LINF = [0.01, 0.02, 0.03, 0.05, 0.08, 0.1]


def fail(msg):
    print("results-tables.py: " + msg, file=sys.stderr)
    sys.exit(2)


def read_csv(path):
    if not os.path.isfile(path):
        fail(f"{path} is missing: run docs/reproduce.sh (its stages runs, probes, kkt, schedules) first")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(v):
    if v is None or v == "":
        return None
    try:
        return float(v)
    except ValueError:
        return None


class Run:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path.rstrip("/"))
        rows = read_csv(os.path.join(path, "metrics.csv"))
        self.by_epoch = {}
        for r in rows:  # a resumed run may repeat an epoch: the later row wins
            self.by_epoch[int(r["epoch"])] = r
        self.epochs = sorted(self.by_epoch)
        prov_path = os.path.join(path, "provenance.json")
        with open(prov_path) as f:
            prov = json.load(f)
        self.commit = prov.get("code", {}).get("git_commit", "unknown")
        self.created = prov.get("created", "")[:10]

    def row(self, epoch):
        if epoch not in self.by_epoch:
            fail(f"{self.path}/metrics.csv has no row for epoch {epoch}")
        return self.by_epoch[epoch]

    def last(self):
        return self.epochs[-1]

    def first(self, pred):
        for e in self.epochs:
            if pred(self.by_epoch[e]):
                return e
        return None

    def separated_at(self):
        return self.first(lambda r: r.get("separated") == "true")


def short(commit):
    c = commit.replace("+dirty", "")
    return (c[:7] + ("+dirty" if commit.endswith("+dirty") else "")) if c != "unknown" else "unknown"


def source_line(runs, drawn_by):
    commits = sorted({short(r.commit) for r in runs})
    where = ", ".join(f"`{os.path.relpath(r.path, OUT)}`" for r in runs)
    return f"*Read from {where} (under `{OUT}`), made at commit {', '.join(f'`{c}`' for c in commits)}; " \
           f"tabulated at commit `{drawn_by}`.*"


def f3(v, fmt="{:.3f}"):
    x = num(v)
    return "" if x is None else fmt.format(x).replace("-", "−")


def sci(v, digits=3):
    x = num(v)
    if x is None:
        return ""
    if x <= 0:
        return "<0" if x < 0 else "0"
    return f"{x:.{digits}e}".replace("e-0", "e−").replace("e-", "e−").replace("e+0", "e").replace("e+", "e")


def table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


# ---- the tables ------------------------------------------------------------------------------------------------

def t_loss(R):
    a, c = R["repro-mlp-nobias-lossbased"], R["repro-mlp-nobias-const"]
    rows = []
    for i, e in enumerate([10, 50, 100, 200]):
        r = a.row(e)
        rows.append([a.name if i == 0 else "", e, f3(r["log10_loss"]), f3(r["train_acc"], "{:.5g}"),
                     f3(r["test_acc"], "{:.4g}"), r["rollbacks"]])
    r = c.row(c.last())
    rows.append([c.name, c.last(), f3(r["log10_loss"]), f3(r["train_acc"], "{:.5g}"), f3(r["test_acc"], "{:.4g}"),
                 r["rollbacks"]])
    return [source_line([a, c], HEAD)] + [""] + table(
        ["run", "epoch", "log10 training loss", "train acc", "test acc", "rollbacks"], rows)


def t_margins(R):
    a, c = R["repro-mlp-nobias-lossbased"], R["repro-mlp-nobias-const"]
    sep = a.separated_at()
    rows = []
    for i, e in enumerate([sep, 50, 100, 200]):
        r = a.row(e)
        rows.append([a.name if i == 0 else "", f"{e} (separated)" if e == sep else e, sci(r["normalized_margin"]),
                     sci(r["normalized_margin_product"]), sci(r["smoothed_margin"]) or "–", f3(r["rho"], "{:.2f}"),
                     r["smoothed_margin_decreases"]])
    r = c.row(c.last())
    sep_c = r.get("separated") == "true"
    rows.append([c.name, f"{c.last()}" + ("" if sep_c else " (not separated)"), f3(r["normalized_margin"], "{:.3e}"),
                 f3(r["normalized_margin_product"], "{:.3e}"), sci(r["smoothed_margin"]) or "–", f3(r["rho"], "{:.2f}"),
                 r["smoothed_margin_decreases"] if sep_c else "–"])
    return [source_line([a, c], HEAD)] + [""] + table(
        ["run", "epoch", "q_min/ρ^L", "q_min/∏ρ_i", "smoothed γ̃", "ρ", "γ̃ decreases so far"], rows)


def t_bias(R):
    runs = [R["repro-mlp-nobias-lossbased"], R["repro-mlp-bias-lossbased"]]
    rows = []
    for x in runs:
        r = x.row(200)
        rows.append([x.name, 200, f3(r["log10_loss"]), sci(r["normalized_margin"]), sci(r["normalized_margin_product"]),
                     sci(r["smoothed_margin"]), f3(r["test_acc"], "{:.4g}")])
    return [source_line(runs, HEAD)] + [""] + table(
        ["run", "epoch", "log10 loss", "q_min/ρ^L", "q_min/∏ρ_i", "γ̃", "test acc"], rows)


def probe_rows(run, attack, split):
    rows = read_csv(os.path.join(run.path, "robustness", f"{attack}-{split}.csv"))
    by = {}
    for r in rows:
        by.setdefault(int(r["epoch"]), []).append(r)
    return by


def t_robust_mlp(R):
    a = R["repro-mlp-nobias-lossbased"]
    out_rows = []
    l2_eps = None
    for split in ["train", "test"]:
        pgd, df = probe_rows(a, "pgd-linf", split), probe_rows(a, "deepfool", split)
        for e in sorted(pgd):
            acc = {round(float(r["eps"]), 6): r["robust_acc"] for r in pgd[e]}
            dfr = df.get(e, [])
            l2 = {round(float(r["eps"]), 6): r["robust_acc"] for r in dfr}
            l2_eps = [x for x in sorted(l2) if x in (0.5, 1.0, 1.5)]
            med = dfr[0]["norm_median"] if dfr else ""
            out_rows.append([split, e, f3(a.row(e)["log10_loss"], "{:.1f}") if split == "train" else "",
                             f3(pgd[e][0]["clean_acc"])] + [f3(acc.get(x)) for x in EPS_LINF]
                            + [f3(l2.get(x)) for x in l2_eps] + [f3(med)])
    header = ["split", "epoch", "log10 loss", "clean"] + [f"L∞ {x:g}" for x in EPS_LINF] \
             + [f"L2 {x:g}" for x in (l2_eps or [])] + ["median ‖δ‖₂"]
    return [source_line([a], HEAD)] + [""] + table(header, out_rows)


def t_binary(R):
    b = R["repro-binary-logistic-deep"]
    below = b.first(lambda r: num(r["log10_loss"]) is not None and num(r["log10_loss"]) < -300)
    rows = []
    for e in [10, 100, below, 200, b.last()]:
        if e is None:
            continue
        r = b.row(e)
        rows.append([f"{e}" + (" (first below −300)" if e == below else ""), f3(r["log10_loss"], "{:.2f}"),
                     f3(r["normalized_margin"], "{:.4f}"), f3(r["smoothed_margin"], "{:.4f}"), f3(r["rho"], "{:.2f}"),
                     f3(r["log10_real_lr"], "{:.1f}"), r["rollbacks"], f3(r["wall_seconds"], "{:.1f}")])
    return [source_line([b], HEAD)] + [""] + table(
        ["epoch", "log10 training loss", "q_min/ρ^L", "smoothed γ̃", "ρ", "log10 real lr", "rollbacks", "wall s"], rows)


def t_cnn(R):
    c = R["repro-cnn-nobias-lossbased"]
    sep = c.separated_at()
    epochs = sorted({5, sep, 20, 40, c.last()} - {None})
    rows = []
    for e in epochs:
        r = c.row(e)
        rows.append([f"{e}" + (" (separated)" if e == sep else ""), f3(r["log10_loss"]), f3(r["train_acc"], "{:.4g}"),
                     f3(r["test_acc"], "{:.4g}"), sci(r["normalized_margin"], 2), sci(r["normalized_margin_product"], 2),
                     sci(r["smoothed_margin"], 2) or "–", f3(r["rho"], "{:.2f}"), r["rollbacks"]])
    return [source_line([c], HEAD)] + [""] + table(
        ["epoch", "log10 loss", "train acc", "test acc", "q_min/ρ^L", "q_min/∏ρ_i", "γ̃", "ρ", "rollbacks"], rows)


def t_robust_cnn(R):
    c = R["repro-cnn-nobias-lossbased"]
    pgd = probe_rows(c, "pgd-linf", "test")
    epochs = sorted(pgd)
    acc = {e: {round(float(r["eps"]), 6): r["robust_acc"] for r in pgd[e]} for e in epochs}
    rows = [["0 (clean)"] + [f3(pgd[e][0]["clean_acc"]) for e in epochs]]
    rows += [[f"{x:g}"] + [f3(acc[e].get(x)) for e in epochs] for x in EPS_LINF]
    return [source_line([c], HEAD)] + [""] + table(["ε"] + [f"epoch {e}" for e in epochs], rows)


def t_bench(R):
    path = os.path.join(OUT, "bench.json")
    if not os.path.isfile(path):
        fail(f"{path} is missing: run docs/reproduce.sh --stages bench")
    with open(path) as f:
        b = json.load(f)
    with open(os.path.join(OUT, "machine.txt")) as f:
        machine = f.read().strip().replace("\n", "; ")

    def med(key):
        v = b.get(key)
        return "" if v is None else f"{v:.2f} s"
    rows = [["MLP 784-512-512-10", med("mlp_epoch_s"), med("mlp_stats_s"),
             f"{b.get('mlp_pgd_linf_examples_per_s', 0):.0f} examples/s"]]
    if b.get("cnn_epoch_s") is not None:
        rows.append(["paper MNIST CNN", med("cnn_epoch_s"), med("cnn_stats_s"),
                     f"{b.get('cnn_pgd_linf_examples_per_s', 0):.1f} examples/s"])
    extra = []
    if b.get("peak_rss_mb") is not None:
        extra.append(f"peak resident memory of the bench process {b['peak_rss_mb']:.0f} MB")
    if b.get("gemm_gflops") is not None:
        extra.append(f"GEMM ceiling {b['gemm_gflops']:.0f} GFLOP/s")
    # the bench's own commit and time; machine.txt is rewritten by every reproduce.sh invocation, so only its
    # hardware lines describe the bench, and a bench.json from before it recorded them says so
    if b.get("git_commit"):
        made = f"made at commit `{b['git_commit'][:7]}` on {b.get('created', '?')}"
    else:
        made = ("made before bench.json recorded its commit, file dated "
                + datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    machine = "; ".join(l for l in machine.split("; ") if not l.startswith(("date:", "commit:")))
    lines = [f"*`bench --json` ({os.path.relpath(path, OUT)}), {made}; machine: {machine}"
             + ("; " + ", ".join(extra) if extra else "") + ".*", ""]
    return lines + table(["model", "epoch (median)", "statistics pass (train + test)", "PGD-L∞ 100 steps"], rows,
                         ["---", "---:", "---:", "---:"])


KKT_COLS = [("epoch", "{:.0f}"), ("log10_loss", "{:.1f}"), ("normalized_margin", "sci"), ("kkt_eps", "{:.3f}"),
            ("kkt_delta", "{:.4f}"), ("kkt_pairs", "{:.0f}"), ("kkt_active", "{:.0f}"), ("kkt_lambda_sum", "{:.3g}"),
            ("theta_sq_over_L", "{:.3g}"), ("alignment", "{:.3f}"), ("direction_cos_last", "{:.4f}")]
KKT_HEAD = ["epoch", "log10 loss", "q_min/ρ^L", "kkt_eps", "kkt_delta", "pairs", "active", "Σλ", "‖θ̃‖²/L",
            "alignment", "cos(θ, θ_last)"]


def t_kkt(path):
    def make(R):
        run = Run(path)
        rows = read_csv(os.path.join(path, "kkt", "kkt.csv"))
        sep = [r for r in rows if r.get("separated") == "true" and num(r.get("kkt_eps")) is not None]
        if not sep:
            fail(f"{path}/kkt/kkt.csv has no separated checkpoint")
        picks = sorted({round(i * (len(sep) - 1) / 4) for i in range(5)})
        secs = [num(r["kkt_seconds"]) for r in sep if num(r.get("kkt_seconds")) is not None]
        body = []
        for i in picks:
            r = sep[i]
            body.append([sci(r[k]) if fmt == "sci" else f3(r[k], fmt) for k, fmt in KKT_COLS])
        mean = f"; mean {sum(secs) / len(secs):.1f} s per checkpoint" if secs else ""
        return [source_line([run], HEAD) + f" {len(sep)} separated checkpoints of {len(rows)}{mean}.", ""] \
            + table(KKT_HEAD, body)
    return make


class RunsByName(dict):
    """The runs under OUT/runs by name, each read the first time a block asks for it."""

    def __init__(self, runs_dir):
        super().__init__()
        self.runs_dir = runs_dir

    def __missing__(self, name):
        run = Run(os.path.join(self.runs_dir, name))
        self[name] = run
        return run


def t_schedules(R):
    path = os.path.join(OUT, "schedules", "compare.md")
    if not os.path.isfile(path):
        fail(f"{path} is missing: run docs/reproduce.sh --stages schedules")
    runs = [Run(os.path.join(OUT, "schedules", n)) for n in ["quickstart", "quickstart-fast"]]
    with open(path) as f:
        body = f.read().strip().splitlines()
    return [source_line(runs, HEAD), ""] + body


# ---- RESULTS.md rewriting -------------------------------------------------------------------------------------

TABLE_RE = re.compile(r"^<!-- table ([\w./-]+) -->$")
FIGURE_RE = re.compile(r"^<!-- figure ([\w.-]+)/([\w.-]+) \| (.+) -->$")


def figure_block(group, name, alt, figures_dir):
    """The PNG is required; the PDF and the data CSV are copied and linked when `plot` wrote them."""
    src = os.path.join(OUT, "figures", group)
    stem = f"{group}-{name}"
    png = os.path.join(src, f"{name}.png")
    if not os.path.isfile(png):
        fail(f"{png} is missing: RESULTS.md shows figure {group}/{name}; run docs/reproduce.sh --stages figures")
    links = []
    for ext, label in [("png", None), ("pdf", "PDF"), ("svg", "SVG"), ("csv", "data")]:
        p = os.path.join(src, f"{name}.{ext}")
        if os.path.isfile(p) and ext != "svg":
            shutil.copyfile(p, os.path.join(figures_dir, f"{stem}.{ext}"))
            if label:
                links.append(f"[{label}]({os.path.relpath(figures_dir, os.path.dirname(RESULTS))}/{stem}.{ext})")
    rel = os.path.relpath(figures_dir, os.path.dirname(RESULTS))
    commits = FIGURE_RUN_COMMITS.get(group, "see the runs' provenance.json")
    return [f"![{alt}]({rel}/{stem}.png)", "",
            f"*{alt}. Runs made at commit `{commits}`, drawn at commit `{HEAD}`"
            + (f"; {', '.join(links)}" if links else "") + ".*"]


def main():
    global OUT, HEAD, RESULTS, FIGURE_RUN_COMMITS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="outputs/reproduce")
    ap.add_argument("--results", default="docs/RESULTS.md")
    ap.add_argument("--figures", default="docs/figures")
    ap.add_argument("--only", default=None, help="comma-separated table names and figure groups to rewrite")
    a = ap.parse_args()
    only = set(a.only.split(",")) if a.only else None
    OUT, RESULTS = a.out, a.results
    HEAD = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"
    if subprocess.run(["git", "status", "--porcelain", "--", "src", "pom.xml"], capture_output=True, text=True).stdout.strip():
        HEAD += "+dirty"

    runs_dir, kkt_dir = os.path.join(OUT, "runs"), os.path.join(OUT, "kkt")
    R = RunsByName(runs_dir)  # read when a block asks for them
    groups = {"mlp": ["repro-mlp-nobias-lossbased", "repro-mlp-bias-lossbased", "repro-mlp-nobias-const"],
              "mlp-nobias": ["repro-mlp-nobias-lossbased"], "cnn": ["repro-cnn-nobias-lossbased"],
              "binary": ["repro-binary-logistic-deep"]}
    FIGURE_RUN_COMMITS = {}
    for g, ns in groups.items():
        if only is None or g in only:
            FIGURE_RUN_COMMITS[g] = ", ".join(sorted({short(R[n].commit) for n in ns}))
    for g, dirs in {"kkt-quickstart": ["quickstart-init1", "quickstart-init0.1"], "kkt-binary": ["binary-init0.01"],
                    "kkt-cnn": ["cnn-init0.1"]}.items():
        if only is None or g in only:
            FIGURE_RUN_COMMITS[g] = ", ".join(sorted({short(Run(os.path.join(kkt_dir, d)).commit) for d in dirs}))
    sched = os.path.join(OUT, "schedules")
    if os.path.isdir(os.path.join(sched, "quickstart-fast")):
        FIGURE_RUN_COMMITS["schedules"] = ", ".join(sorted({short(Run(os.path.join(sched, d)).commit)
                                                            for d in ["quickstart", "quickstart-fast"]}))

    tables = {"loss": t_loss, "margins": t_margins, "bias": t_bias, "robust-mlp": t_robust_mlp, "binary": t_binary,
              "cnn": t_cnn, "robust-cnn": t_robust_cnn, "bench": t_bench, "schedules": t_schedules,
              "kkt-quickstart-init1": t_kkt(os.path.join(kkt_dir, "quickstart-init1")),
              "kkt-quickstart-init0.1": t_kkt(os.path.join(kkt_dir, "quickstart-init0.1")),
              "kkt-cnn-init1": t_kkt(os.path.join(runs_dir, "repro-cnn-nobias-lossbased")),
              "kkt-cnn-init0.1": t_kkt(os.path.join(kkt_dir, "cnn-init0.1")),
              "kkt-binary-init1": t_kkt(os.path.join(runs_dir, "repro-binary-logistic-deep")),
              "kkt-binary-init0.1": t_kkt(os.path.join(kkt_dir, "binary-init0.1")),
              "kkt-binary-init0.01": t_kkt(os.path.join(kkt_dir, "binary-init0.01"))}

    os.makedirs(a.figures, exist_ok=True)
    with open(RESULTS) as f:
        lines = f.read().split("\n")
    out, i, done = [], 0, []
    while i < len(lines):
        line = lines[i]
        m, fm = TABLE_RE.match(line), FIGURE_RE.match(line)
        if not (m or fm):
            out.append(line)
            i += 1
            continue
        end = "<!-- end table -->" if m else "<!-- end figure -->"
        j = i + 1
        while j < len(lines) and lines[j] != end:
            j += 1
        if j == len(lines):
            fail(f"{RESULTS}:{i + 1}: '{line}' has no '{end}' after it")
        if only is not None and (m.group(1) if m else fm.group(1)) not in only:
            out += lines[i:j + 1]
            i = j + 1
            continue
        if m:
            if m.group(1) not in tables:
                fail(f"{RESULTS}:{i + 1}: unknown table '{m.group(1)}' (known: {', '.join(sorted(tables))})")
            block = tables[m.group(1)](R)
        else:
            block = figure_block(fm.group(1), fm.group(2), fm.group(3), a.figures)
        out += [line] + block + [end]
        done.append(m.group(1) if m else f"{fm.group(1)}/{fm.group(2)}")
        i = j + 1
    tmp = RESULTS + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(out))
    os.replace(tmp, RESULTS)
    print(f"results-tables.py: rewrote {len(done)} blocks of {RESULTS}: {', '.join(done)}")


OUT = HEAD = RESULTS = None
FIGURE_RUN_COMMITS = {}

if __name__ == "__main__":
    main()
