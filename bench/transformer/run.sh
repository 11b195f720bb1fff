#!/usr/bin/env bash
# Transformer training-throughput benchmark, one command: PyTorch in bench/.venv (installed if missing),
# build, then bench/transformer/run.js (veriflow in-process vs bench/transformer/torch_model.py).
#
#   bash bench/transformer/run.sh [--rounds N] [--profile] [--no-build] [other run.js options]
#
# Only PyPI is reachable here (not download.pytorch.org), so torch comes from PyPI: its Linux wheel is the
# CUDA build (+cu132, ~540 MB, plus ~4.5 GB of nvidia-* wheels it depends on); it runs on the CPU without a
# GPU. If the install fails or takes longer than TORCH_INSTALL_TIMEOUT seconds (default 300), veriflow is
# measured alone (--no-torch). See bench/README.md ("Transformer training: veriflow vs PyTorch").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

TORCH_VERSION=2.15.0
VENV="$ROOT/bench/.venv"
PY="$VENV/bin/python"
TIMEOUT="${TORCH_INSTALL_TIMEOUT:-300}"

torch_ok() {
  "$PY" - <<PYEOF >/dev/null 2>&1
import torch, sys
torch.set_num_threads(1)
x = torch.randn(8, 8, requires_grad=True); (x @ x).sum().backward()
sys.exit(0 if torch.__version__.split('+')[0] == '$TORCH_VERSION' and x.grad is not None else 1)
PYEOF
}

torch_args=()
if [ ! -x "$PY" ]; then python3 -m venv "$VENV"; fi
if ! torch_ok; then
  echo "installing torch==$TORCH_VERSION from PyPI into $VENV (timeout ${TIMEOUT}s)"
  start=$(date +%s)
  if timeout "$TIMEOUT" "$PY" -m pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION" && torch_ok; then
    echo "torch installed in $(( $(date +%s) - start ))s"
  else
    echo "WARNING: torch==$TORCH_VERSION could not be installed/imported within ${TIMEOUT}s; measuring veriflow alone" >&2
    torch_args=(--no-torch)
  fi
fi

build=1
args=()
for arg in "$@"; do
  if [ "$arg" = "--no-build" ]; then build=0; else args+=("$arg"); fi
done
if [ "$build" = 1 ]; then
  npm run build --silent  # TypeScript and the native addon (the engine the README reports needs it)
fi

exec node bench/transformer/run.js --python "$PY" ${torch_args[@]+"${torch_args[@]}"} ${args[@]+"${args[@]}"}
