#!/usr/bin/env bash
# Gaussian benchmark, one command: NumPy venv (bench/.venv) if missing, build, then bench/gaussian/run.js.
#
#   bash bench/gaussian/run.sh [--repeat N] [--profile] [--no-build] [other run.js options]
#
# See bench/README.md ("Gaussian: veriflow vs NumPy").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

NUMPY_VERSION=2.4.6
THREADPOOLCTL_VERSION=3.8.0
VENV="$ROOT/bench/.venv"
PY="$VENV/bin/python"

if ! "$PY" -c "import numpy, threadpoolctl, sys; sys.exit(numpy.__version__ != '$NUMPY_VERSION')" >/dev/null 2>&1; then
  echo "setting up $VENV (numpy==$NUMPY_VERSION, threadpoolctl==$THREADPOOLCTL_VERSION)"
  python3 -m venv "$VENV"
  "$PY" -m pip install --quiet --disable-pip-version-check "numpy==$NUMPY_VERSION" "threadpoolctl==$THREADPOOLCTL_VERSION"
fi

build=1
args=()
for arg in "$@"; do
  if [ "$arg" = "--no-build" ]; then build=0; else args+=("$arg"); fi
done
if [ "$build" = 1 ]; then
  npm run build --silent  # TypeScript and the native addon (the engine the README reports needs it)
fi

exec node bench/gaussian/run.js --python "$PY" ${args[@]+"${args[@]}"}
