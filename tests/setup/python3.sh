#!/usr/bin/env bash
# The external-environments end-to-end test runs examples/external/cartpole_client.py, which needs only python3 and
# its standard library (no PyPI packages).
set -euo pipefail

if ! command -v python3 >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "python3 is missing and this script is not root; run: sudo apt-get install -y python3" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q python3
fi
python3 --version
