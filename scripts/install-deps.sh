#!/usr/bin/env bash
# Installs what Berth and its tests need on Debian/Ubuntu: system packages (when root) and
# the npm dependencies (which also builds bin/berth).
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime pieces: runc and catatonit run pods, busybox-static builds the demo image,
# iproute2/util-linux/e2fsprogs set up pod networks, namespaces and loop volumes.
PACKAGES=(runc catatonit busybox-static iproute2 util-linux e2fsprogs tar gzip ca-certificates)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
  fi
elif [ "$(id -u)" != 0 ]; then
  echo "not root: skipping system packages (${PACKAGES[*]}); tests that need root will say so" >&2
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Berth needs Node.js 20 or newer (apt-get install nodejs npm, or your usual Node install)" >&2
  exit 1
fi

npm ci --no-audit --no-fund
