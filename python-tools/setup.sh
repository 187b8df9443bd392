#!/usr/bin/env bash
# Creates python-tools/.venv with the pinned MCP Python SDK, which the tests drive as a client (agent.py) and as
# an upstream (fixture_server.py).
# Idempotent: does nothing when the venv already holds exactly requirements.txt. PyPI is not reachable here;
# pip installs from the wheels the machine carries (/opt/pypi/files when present, else pip's configured index).
set -euo pipefail
cd "$(dirname "$0")"
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat .venv/requirements.sha256 2>/dev/null)" = "$want" ]; then
  exit 0
fi
rm -rf .venv
python3 -m venv .venv
# The default index (pypi.org) is unreachable: asking it first costs ~30 s of retries per package, so use the
# machine's wheel directory alone when it has one.
index=()
if [ -d /opt/pypi/files ]; then
  index=(--no-index --find-links /opt/pypi/files)
fi
.venv/bin/pip install --quiet --no-input --disable-pip-version-check "${index[@]}" -r requirements.txt
echo "$want" > .venv/requirements.sha256
