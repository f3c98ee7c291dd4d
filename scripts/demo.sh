#!/usr/bin/env bash
# The main job on a fresh machine: install what Berth needs, build it, and run the seed
# walkthrough (a StatefulSet whose pods get their own data back) on the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
exec bin/berth demo "$@"
