#!/usr/bin/env bash
# docs/reproduce.sh: re-runs every experiment, probe, KKT measurement, schedule comparison, benchmark and figure
# behind docs/RESULTS.md, then rewrites RESULTS.md's tables (between its "BEGIN table" / "END table" marks) and
# docs/figures/ from what it made. One command, from the repository root of a clean clone:
#
#     bash docs/reproduce.sh                 # all stages, run directories under outputs/reproduce
#
# Wall time: about 110 minutes on a 2-core AMD EPYC, measured 2026-12-02: runs, probes and kkt 101 min (commit
# 5623a47, machine otherwise idle), bench, figures and tables about 6 min more.
#
# It refuses a dirty work tree (the runs must say which commit made them), records the machine and thread count in
# OUT/machine.txt, and keeps run directories that are already complete (a model.zip, a probe's CSV, a kkt.csv), so a
# killed reproduction continues where it stopped; delete OUT for a re-run from scratch. Each table in RESULTS.md
# names the commit of the runs it was read from (their provenance.json) and of the code that drew it.
#
# Options: --out DIR (default outputs/reproduce), --stages LIST (default all: runs,probes,kkt,schedules,bench,
# figures,tables), --allow-dirty (for trying the script itself; the tables then say "+dirty").
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=outputs/reproduce
STAGES=runs,probes,kkt,schedules,bench,figures,tables
ALLOW_DIRTY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    --stages) STAGES=$2; shift 2 ;;
    --allow-dirty) ALLOW_DIRTY=1; shift ;;
    *) echo "reproduce.sh: unknown option $1 (use --out DIR, --stages LIST, --allow-dirty)" >&2; exit 2 ;;
  esac
done
stage() { [[ ",$STAGES," == *",$1,"* ]]; }

if [ "$ALLOW_DIRTY" = 0 ] && [ -n "$(git status --porcelain --untracked-files=normal)" ]; then
  echo "reproduce.sh: the work tree has uncommitted changes (git status): commit or stash them first, so every run records the commit that made it" >&2
  exit 2
fi

START=$(date +%s)
mkdir -p "$OUT"
J="java -jar target/margin-max.jar"
log() { echo "[$(date +%H:%M:%S) +$(( $(date +%s) - START ))s] $*"; }

log "building the jar"
mvn -B -q package -DskipTests

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse HEAD)$( [ -n "$(git status --porcelain)" ] && echo +dirty)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
  echo "OMP_NUM_THREADS: ${OMP_NUM_THREADS:-unset (the launcher sets it to the core count)}"
  echo "java: $(java -version 2>&1 | head -1)"
} > "$OUT/machine.txt.tmp" && mv "$OUT/machine.txt.tmp" "$OUT/machine.txt"
$J info > "$OUT/info.txt" 2>&1 || true
cat "$OUT/machine.txt"

# train EXPERIMENT RUN_DIR [--set k=v ...]: skipped when RUN_DIR already holds a finished run (model.zip)
train() {
  local exp=$1 dir=$2; shift 2
  if [ -f "$dir/model.zip" ]; then log "kept $dir"; return; fi
  if [ -d "$dir" ]; then log "resuming $dir"; $J resume "$dir"; return; fi
  log "training $exp -> $dir $*"
  $J train "experiments/$exp.yaml" --run-dir "$dir" "$@"
}
# probe RUN_DIR ATTACK SPLIT ARGS...: skipped when its CSV exists
probe() {
  local dir=$1 attack=$2 split=$3; shift 3
  if [ -f "$dir/robustness/$attack-$split.csv" ]; then log "kept $dir/robustness/$attack-$split.csv"; return; fi
  log "probe $dir $attack $split"
  $J probe "$dir" --attack "$attack" --split "$split" "$@"
}
kkt() {
  local dir=$1
  if [ -f "$dir/kkt/kkt.csv" ]; then log "kept $dir/kkt"; return; fi
  log "kkt $dir"
  $J kkt "$dir" --checkpoints all
}

R=$OUT/runs
if stage runs; then
  for e in repro-mlp-nobias-lossbased repro-mlp-bias-lossbased repro-mlp-nobias-const repro-cnn-nobias-lossbased repro-binary-logistic-deep; do
    train "$e" "$R/$e"
  done
fi

if stage probes; then
  for s in train test; do
    probe "$R/repro-mlp-nobias-lossbased" pgd-linf "$s" --checkpoints 10,50,100,200 --n 500 --eps 0.01,0.02,0.03,0.05,0.08,0.1
    probe "$R/repro-mlp-nobias-lossbased" deepfool "$s" --checkpoints 10,50,100,200 --n 500
  done
  probe "$R/repro-cnn-nobias-lossbased" pgd-linf test --checkpoints 5,20,60 --n 200 --eps 0.01,0.02,0.03,0.05,0.08,0.1
fi

K=$OUT/kkt
if stage kkt; then
  # init_scale 1 is the configs' default: the binary and CNN runs above are reused for it
  for s in 0.1 0.01; do train repro-binary-logistic-deep "$K/binary-init$s" --set model.init_scale=$s; done
  train quickstart "$K/quickstart-init1"
  train quickstart "$K/quickstart-init0.1" --set model.init_scale=0.1
  train repro-cnn-nobias-lossbased "$K/cnn-init0.1" --set model.init_scale=0.1
  for d in "$R/repro-binary-logistic-deep" "$K"/binary-init* "$K"/quickstart-init* "$R/repro-cnn-nobias-lossbased" "$K/cnn-init0.1"; do
    kkt "$d"
  done
fi

S=$OUT/schedules
if stage schedules && [ ! -f experiments/quickstart-fast.yaml ]; then
  log "schedules: no experiments/quickstart-fast.yaml at this commit, nothing to compare"
elif stage schedules; then
  # the two quickstarts back to back, nothing else running: their wall times are compared
  train quickstart "$S/quickstart"
  train quickstart-fast "$S/quickstart-fast"
  python3 docs/schedule-compare.py "$S/quickstart" "$S/quickstart-fast" > "$S/compare.md"
  cat "$S/compare.md"
fi

if stage bench; then
  if [ ! -f "$OUT/bench.json" ]; then
    log "bench"
    $J bench --json > "$OUT/bench.json.tmp" && mv "$OUT/bench.json.tmp" "$OUT/bench.json"
  fi
fi

F=$OUT/figures
if stage figures; then
  log "figures"
  rm -rf "$F"
  $J plot "$R"/repro-mlp-{nobias-lossbased,bias-lossbased,nobias-const} --out "$F/mlp"
  $J plot "$R/repro-mlp-nobias-lossbased" --out "$F/mlp-nobias"
  $J plot "$R/repro-cnn-nobias-lossbased" --out "$F/cnn"
  $J plot "$R/repro-binary-logistic-deep" --out "$F/binary" --log-epochs
  $J plot "$K/quickstart-init1" "$K/quickstart-init0.1" --out "$F/kkt-quickstart"
  $J plot "$R/repro-binary-logistic-deep" "$K/binary-init0.01" --out "$F/kkt-binary"
  $J plot "$R/repro-cnn-nobias-lossbased" "$K/cnn-init0.1" --out "$F/kkt-cnn"
  if [ -d "$S/quickstart-fast" ]; then $J plot "$S/quickstart" "$S/quickstart-fast" --out "$F/schedules"; fi
fi

if stage tables; then
  log "tables and docs/figures"
  python3 docs/results-tables.py --out "$OUT" --results docs/RESULTS.md --figures docs/figures
fi

ELAPSED=$(( $(date +%s) - START ))
echo "stages $STAGES: $ELAPSED s ($(( ELAPSED / 60 )) min) at commit $(git rev-parse --short HEAD)" | tee -a "$OUT/reproduce-time.txt"
