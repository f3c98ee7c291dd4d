#!/usr/bin/env bash
# The whole test suite, from a fresh clone: dependencies, then lint, type checks, import
# rules, build, and every unit, integration and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
npm test
