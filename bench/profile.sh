#!/usr/bin/env sh
# CPU profile of the gateway in the load benchmark's steady state (docs/PERFORMANCE.md, "Receipts", "Where those"):
# runs one scenario alone, waits out the warm-up, attaches async-profiler (from Maven Central) to the gateway for
# a window, and prints each thread group's CPU per call and the event loops' user/kernel split.
#   bench/profile.sh SCENARIO [AGENTS] [WINDOW_SECONDS] [OUT.collapsed] [WAIT_SECONDS]
#   e.g. bench/profile.sh warrant-2026 16
# WAIT_SECONDS (default 60) is how long after the gateway starts the window opens: past the first round's warm-up
# (60 000 calls or 30 s) and the JIT's compilations, which at one client still took ~0.5 of a core at 25 s.
# Calls in the window are estimated from the run's measured throughput. Run on an otherwise idle machine.
set -e
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
SCENARIO=${1:?usage: bench/profile.sh SCENARIO [AGENTS] [WINDOW_SECONDS] [OUT.collapsed] [WAIT_SECONDS]}
AGENTS=${2:-16}
WINDOW=${3:-10}
OUT=${4:-$ROOT/loadtest/target/profile-$SCENARIO-$AGENTS.collapsed}
WAIT=${5:-60}
AP=$ROOT/loadtest/target/async-profiler
LIB=$AP/linux-x64/libasyncProfiler.so
if [ ! -f "$LIB" ]; then
  mvn -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory="$AP" >&2
  (cd "$AP" && unzip -q -o async-profiler-4.1.jar 'linux-x64/*')
fi
[ -f "$ROOT/loadtest/target/loadtest.jar" ] || mvn -q -B -DskipTests -pl loadtest -am package >&2
WORK=$(mktemp -d)
LOG=$WORK/harness.log
java -jar "$ROOT/loadtest/target/loadtest.jar" --doc none --node-tools "$ROOT/node-tools" --agents "$AGENTS" \
  --scenarios "$SCENARIO" --rounds 1 --seconds $((WAIT + WINDOW + 10)) --calls 100000000 --work-dir "$WORK/run" \
  > "$LOG" 2>&1 &
RUN=$!
GW=""
for i in $(seq 1 240); do
  GW=$(pgrep -n -f dev.warrant.gateway.cli.WarrantCli || true)
  [ -n "$GW" ] && break
  sleep 0.5
done
[ -n "$GW" ] || { echo "profile.sh: the gateway did not start" >&2; cat "$LOG" >&2; exit 1; }
sleep "$WAIT"
java "$ROOT/bench/Attach.java" "$GW" "$LIB" "start,event=cpu,interval=200us,threads" >/dev/null
sleep "$WINDOW"
java "$ROOT/bench/Attach.java" "$GW" "$LIB" "stop,collapsed,file=$OUT" >/dev/null
wait $RUN || true
THROUGHPUT=$(grep "^| $SCENARIO |" "$LOG" | awk -F'|' '{gsub(/[ ,\/s]/, "", $11); print $11}')
grep "^| $SCENARIO |" "$LOG"
python3 "$ROOT/bench/stacks.py" "$OUT" "$THROUGHPUT" "$WINDOW"
rm -rf "$WORK"
