#!/usr/bin/env bash
# Installs Debian's PyTorch (python3-torch) for `bench nn --peer` and its test, which time the same train step with
# PyTorch next to ours, and OpenBLAS: without it Debian's torch multiplies matrices with the reference BLAS, some
# 30x slower, which would make a strawman of the peer. Idempotent: does nothing when both are there.
set -euo pipefail

have_torch() { /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; }
have_openblas() { [ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || [ "$(uname -m)" != x86_64 ]; }

if have_torch && have_openblas; then
  exit 0
fi
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
sudo_if_needed apt-get update -q
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch libopenblas0-pthread
have_torch || { echo "python3-torch is installed but /usr/bin/python3 cannot import torch" >&2; exit 1; }
