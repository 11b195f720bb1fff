#!/usr/bin/env bash
# Prepares .gpu-carry/ (git-ignored) for scripts/gpu-device-check.sh on a lent GPU machine, which has no
# network, maybe no Node.js and maybe no Vulkan loader. Run here, after `npm run build`:
#
#   bash scripts/gpu-device-prepare.sh
#
# It holds, in one folder that the device call carries (the tree that travels is limited to 64 MiB):
#   node.xz             this machine's node binary (x86-64, needs only glibc and libstdc++)
#   bundle.tar.xz       the built dist/ folders and the production node_modules (webgpu's dawn.node for
#                       linux-x64 only; no source maps)
#   debs/*.deb          libvulkan1 (the Vulkan loader), unpacked under .gpu-carry/root there, not over /
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CARRY=.gpu-carry
[ "$(uname -m)" = x86_64 ] || { echo "gpu-device-prepare: this machine is $(uname -m); the device machine is x86-64, so node and dawn.node from here would not run there" >&2; exit 1; }
[ -f libs/ml/dist/engine/index.js ] && [ -f apps/cli/dist/main.js ] || { echo "gpu-device-prepare: no build found: run npm run build first" >&2; exit 1; }
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "gpu-device-prepare: node_modules/webgpu is missing: run npm ci (it installs the optional dependencies)" >&2; exit 1; }

rm -rf "$CARRY"
mkdir -p "$CARRY/debs"
xz -T0 -6 -c "$(command -v node)" > "$CARRY/node.xz"

# The Vulkan loader from Debian 12 (glibc 2.36 or later, which Ubuntu 24.04 has). Downloaded into a folder
# apt's sandbox user can write to.
apt_dir=$(mktemp -d)
chmod 777 "$apt_dir"
(cd "$apt_dir" && apt-get download -qq libvulkan1)
mv "$apt_dir"/*.deb "$CARRY/debs/"
rm -rf "$apt_dir"

# Production packages only (npm ls --omit=dev), workspace links included (they point into libs/ and apps/,
# which travel as tracked files).
mapfile -t packages < <(npm ls --omit=dev --all --parseable 2>/dev/null | grep -o 'node_modules/.*' | sort -u)
dists=(apps/cli/dist libs/*/dist)
tar -c --exclude='*.map' --exclude='node_modules/webgpu/dist/darwin-*' --exclude='node_modules/webgpu/dist/win32-*' \
  --exclude='node_modules/webgpu/dist/linux-arm64' --exclude='*.tsbuildinfo' \
  "${dists[@]}" "${packages[@]}" | xz -T0 -6 > "$CARRY/bundle.tar.xz"

du -sh "$CARRY"/* "$CARRY"
total=$(du -sb "$CARRY" | cut -f1)
limit=$((60 * 1024 * 1024))
if [ "$total" -gt "$limit" ]; then
  echo "gpu-device-prepare: $CARRY is $((total / 1048576)) MiB; with the tracked tree it must stay under the device call's 64 MiB" >&2
  exit 1
fi
echo "ready: carry [\"$CARRY\"] and run: bash scripts/gpu-device-check.sh (see README, 'GPUs')"
