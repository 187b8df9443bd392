#!/usr/bin/env sh
# The load benchmark in one command (docs/PERFORMANCE.md, "Load benchmark"): builds the loadtest jar when it is
# missing or older than the sources, installs the npm peer bridge when missing, runs every scenario and rewrites
# the results block of docs/PERFORMANCE.md. Options go to the harness, e.g. --agents 1,4,16 --seconds 60
# (--doc none leaves the document alone). Exit code 1 if any call failed.
set -e
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
JAR="$ROOT/loadtest/target/loadtest.jar"
cd "$ROOT"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT" \( -name target -o -name node_modules -o -name '.?*' \) -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$JAR" -print | head -n 1)" ]; then
  echo "load.sh: building the loadtest jar (mvn -DskipTests -pl loadtest -am package)..." >&2
  mvn -q -B -DskipTests -pl loadtest -am package >&2
fi
if [ ! -f "$ROOT/node-tools/node_modules/supergateway/dist/index.js" ]; then
  echo "load.sh: installing the npm test tools (npm ci in node-tools)..." >&2
  (cd "$ROOT/node-tools" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
exec java -jar "$JAR" --doc "$ROOT/docs/PERFORMANCE.md" --node-tools "$ROOT/node-tools" "$@"
