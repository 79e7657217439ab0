#!/usr/bin/env bash
# Publishes the `actortrainer` binary for node deployments (the container image, or machines of your own) into OUT.
#
# ReadyToRun: the assemblies, Akka.NET's and DotNetty's included, carry precompiled native code. A fresh node then runs
# optimized code from its first message instead of the JIT's quick first tier, and joins its cluster sooner; see
# docs/cluster.md, "Cold nodes run unoptimized code". The runtime still recompiles the hottest methods later.
#
# usage: deploy/publish.sh OUT [more `dotnet publish` arguments]
#   RID=linux-arm64 deploy/publish.sh OUT    another runtime identifier (default: this machine's, linux-x64 or linux-arm64)
set -euo pipefail
if [ $# -lt 1 ] || [ -z "$1" ] || [ "${1#-}" != "$1" ]; then
  echo "usage: $0 OUT [more dotnet publish arguments]; OUT is the folder to publish into" >&2
  exit 2
fi
out=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${RID:-}" ]; then
  case "$(uname -m)" in
    x86_64 | amd64) RID=linux-x64 ;;
    aarch64 | arm64) RID=linux-arm64 ;;
    *) echo "no runtime identifier for machine type $(uname -m); set RID (for example RID=linux-x64)" >&2; exit 2 ;;
  esac
fi

# Framework-dependent, like the plain build: the image's ASP.NET runtime runs it (`dotnet actortrainer.dll`).
dotnet publish "$root/src/ActorTrainer.Cli/ActorTrainer.Cli.csproj" -c Release -r "$RID" --self-contained false \
  -p:PublishReadyToRun=true -o "$out" --nologo "$@"
