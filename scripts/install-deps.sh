#!/usr/bin/env bash
# Installs what Berth and its tests need on Debian/Ubuntu: system packages (when root) and
# the npm dependencies (which also builds bin/berth).
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime pieces: runc, conmon and catatonit run pods; iproute2/util-linux/e2fsprogs set up pod
# networks, namespaces and loop volumes; attr sets overlayfs opaque markers on image layers.
# The demo image is built from busybox-static, nginx-light and curl. Tests also use a loopback
# docker-registry and Debian's Python Kubernetes client. nftables programs Services (src/proxy).
PACKAGES=(runc conmon catatonit busybox-static iproute2 util-linux e2fsprogs attr tar gzip ca-certificates
  nginx-light curl docker-registry python3-kubernetes nftables)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Packages such as nginx and docker-registry would start system services on install;
    # Berth only needs their binaries, so keep services from starting (Debian's policy-rc.d).
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    trap '[ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
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
