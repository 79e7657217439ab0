#!/usr/bin/env bash
# python3 with PyYAML (Debian's python3-yaml): the deploy tests parse docker-compose output and the Kubernetes
# manifests with it. Idempotent.
set -euo pipefail
if python3 -c 'import yaml' >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends python3-yaml >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends python3-yaml >/dev/null
fi
python3 -c 'import yaml'
