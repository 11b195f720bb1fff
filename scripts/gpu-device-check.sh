#!/usr/bin/env bash
# The GPU check, one command on a lent GPU machine (README, 'GPUs'): unpacks .gpu-carry/ (made here by
# scripts/gpu-device-prepare.sh), finds the driver's Vulkan ICD, runs the WebGPU engine tests with a hardware
# adapter required, the eigen gpu-short preset, the transformer bench against PyTorch CUDA, and the XL-Sum
# LLM programs' tokens/s (scripts/gpu-llm-throughput.sh), and writes the figures to $OUT/gpu-figures.txt (logs beside it). Each part has its own time
# limit, so the whole stays under ~8 minutes; a part that fails is recorded and the next one still runs.
# On a machine without a GPU it gets as far as the engine's diagnosis and exits 1 with the summary.
# The limits add up to more than a device call allows (540 s): a GPU that works finishes each part well
# inside its limit; one that hangs is stopped and the rest still runs.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/.gpu-out}"
mkdir -p "$OUT"
FIGURES="$OUT/gpu-figures.txt"
CARRY="$ROOT/.gpu-carry"
: > "$FIGURES"
say() { echo "$*" | tee -a "$FIGURES"; }
failed=0
# part NAME SECONDS COMMAND...: runs one part with its log in $OUT/NAME.log; the last lines go to the figures.
part() {
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  timeout "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  say "== $name: exit $rc in $((SECONDS - start)) s$([ $rc = 124 ] && echo " (stopped at its ${limit} s limit)")"
  grep -v 'artificially reduced' "$OUT/$name.log" | tail -n "${TAIL:-15}" | sed 's/^/   /' | tee -a "$FIGURES"
  [ $rc = 0 ] || failed=1
  return $rc
}

say "gpu-device-check $(date -u +%FT%TZ) on $(hostname)"
say "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1 || true)"

# Node: the machine's own if it is 20 or later, else the carried binary.
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" -ge 20 ] 2>/dev/null; then
  NODE=$(command -v node)
elif [ -f "$CARRY/node.xz" ]; then
  mkdir -p "$CARRY/bin"
  xz -dc "$CARRY/node.xz" > "$CARRY/bin/node" && chmod +x "$CARRY/bin/node"
  NODE="$CARRY/bin/node"
else
  say "no Node.js 20+ here and no .gpu-carry/node.xz: run scripts/gpu-device-prepare.sh and carry .gpu-carry"
  exit 1
fi
export PATH="$(dirname "$NODE"):$PATH"
say "node: $NODE $(node --version)"

# The build and production node_modules from the bundle (the working tree travels without ignored paths).
if [ -f "$CARRY/bundle.tar.xz" ]; then
  xz -dc "$CARRY/bundle.tar.xz" | tar -x || { say "could not unpack .gpu-carry/bundle.tar.xz"; exit 1; }
fi
[ -f libs/ml/dist/engine/index.js ] || { say "no build (libs/ml/dist): carry .gpu-carry made by scripts/gpu-device-prepare.sh"; exit 1; }

# Vulkan: the loader from the carried .deb when the system has none (unpacked beside, not over /), and the
# driver's ICD where the loader does not look for it.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  for deb in "$CARRY"/debs/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" "$CARRY/root"; done
  export LD_LIBRARY_PATH="$CARRY/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  say "vulkan loader: carried ($(ls "$CARRY"/debs 2>/dev/null | tr '\n' ' '))"
else
  say "vulkan loader: system"
fi
if [ -z "${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; break; fi
  done
fi
say "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"

# What the engine makes of this host (the same diagnosis device: gpu refuses with).
TAIL=20 part engine-probe 60 node --input-type=module -e "
  import { initEngine, probeAdapter } from '@veriflow/ml/engine';
  const probe = await probeAdapter();
  console.log('adapter:', JSON.stringify(probe.fact), 'probe ms:', probe.ms);
  try {
    const engine = await initEngine({ device: 'gpu' });
    console.log('engine:', engine.label, '-', engine.detail);
  } catch (error) {
    console.log(error.message);
    process.exit(1);
  }
"
webgpu=$?
PYTHON=$(command -v python3)
if [ $webgpu = 0 ]; then
  VERIFLOW_REQUIRE_GPU=1 part webgpu-tests 180 node --test --test-reporter=spec libs/ml/dist/engine/webgpu/webgpu-engine.test.js
  part eigen-gpu-short 240 node apps/cli/dist/main.js run workflows/paper/eigen-verification.yaml --preset gpu-short
  # The paper-size model (LAWT: dim 512, 8 heads, 6 encoder / 1 decoder layers), batch 64, float32 both sides.
  TAIL=12 part bench-transformer-gpu 240 node bench/transformer/run.js --device gpu --python "$PYTHON" --rounds 2 --warmup 3 --steps 10 --dim 512 --heads 8 --encoder-layers 6 --decoder-layers 1 --batch 64
else
  say "== webgpu-tests, eigen-gpu-short, bench-transformer-gpu: not run (no usable GPU engine; see engine-probe above)"
fi

# The XL-Sum LLM programs on PyTorch CUDA (they need no WebGPU): fine-tune and generate tokens/s.
if "$PYTHON" -c 'import torch, transformers, peft, tokenizers; assert torch.cuda.is_available()' >/dev/null 2>&1; then
  TAIL=4 OUT="$OUT" part llm-throughput 150 bash scripts/gpu-llm-throughput.sh
else
  say "== llm-throughput: not run ($PYTHON lacks torch with CUDA, transformers, peft or tokenizers)"
fi

say "SUMMARY: $([ $failed = 0 ] && echo 'every part passed' || echo 'some part failed (see above and the logs beside this file)')"
exit $failed
