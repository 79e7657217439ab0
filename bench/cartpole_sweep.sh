#!/usr/bin/env bash
# CartPole time-to-solve sweep (issue 16): every configuration runs once per seed, and the configurations of one
# seed run back to back in a rotating order, so a change of machine load hits every configuration alike.
#
#   bench/cartpole_sweep.sh [-s "1 2 3 4 5"] [-t 60] [-o DIR] [-d path/to/actortrainer.dll] NAME='FLAGS' ...
#
# NAME='FLAGS' is a label and the train flags it adds to `train --env CartPole-v1 --until-solved --seed S`, e.g.
#   bench/cartpole_sweep.sh old='--hidden 256,256 --runners 0' new=''
# An empty FLAGS means the built-in defaults. Leading VAR=value words are set in the run's environment instead, e.g.
#   tc0='DOTNET_TieredCompilation=0'
# and a leading dll=PATH runs that configuration with another build (e.g. a copy of the previous commit's output).
# An empty FLAGS means the built-in defaults. One line per run goes to DIR/runs.tsv as it finishes (label, seed,
# solved, seconds_to_solve, updates, env steps, CPU seconds of the process, 1-minute load average before the run);
# the table at the end has each configuration's median, min and max over its seeds.
set -euo pipefail

seeds="1 2 3 4 5"
max_seconds=60
out=""
dll=""
while getopts "s:t:o:d:" opt; do
  case "$opt" in
    s) seeds="$OPTARG" ;;
    t) max_seconds="$OPTARG" ;;
    o) out="$OPTARG" ;;
    d) dll="$OPTARG" ;;
    *) echo "usage: $0 [-s SEEDS] [-t MAX_SECONDS] [-o DIR] [-d DLL] NAME='FLAGS' ..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
  echo "error: no configuration given; pass NAME='FLAGS' pairs, e.g. defaults='' small='--hidden 64,64'" >&2
  exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
dll="${dll:-$root/src/ActorTrainer.Cli/bin/Release/net10.0/actortrainer.dll}"
if [ ! -f "$dll" ]; then
  echo "error: $dll not found; build it first: dotnet build src/ActorTrainer.Cli -c Release" >&2
  exit 2
fi
for tool in jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed (apt-get install jq time)" >&2; exit 2; }
done
out="${out:-$(mktemp -d /tmp/cartpole-sweep.XXXXXX)}"
mkdir -p "$out"

names=()
flags=()
for pair in "$@"; do
  case "$pair" in
    *=*) names+=("${pair%%=*}"); flags+=("${pair#*=}") ;;
    *) echo "error: '$pair' is not NAME='FLAGS'" >&2; exit 2 ;;
  esac
done

tsv="$out/runs.tsv"
printf 'config\tseed\tsolved\tseconds\tupdates\tenv_steps\tcpu_s\tload1\n' > "$tsv"
echo "sweep: ${#names[@]} configurations x seeds [$seeds], results in $out" >&2
echo "load before: $(cat /proc/loadavg)" >&2

round=0
for seed in $seeds; do
  n=${#names[@]}
  for ((k = 0; k < n; k++)); do
    i=$(((k + round) % n))
    name="${names[$i]}"
    summary="$out/$name-seed$seed.json"
    load1="$(cut -d' ' -f1 /proc/loadavg)"
    envs=()
    args=()
    run_dll="$dll"
    for word in ${flags[$i]}; do
      if [ ${#args[@]} -eq 0 ] && [[ "$word" == dll=* ]]; then run_dll="${word#dll=}"; continue; fi
      if [ ${#args[@]} -eq 0 ] && [[ "$word" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then envs+=("$word"); else args+=("$word"); fi
    done
    if ! env "${envs[@]}" /usr/bin/time -f '%U %S' -o "$out/time.txt" dotnet "$run_dll" train --env CartPole-v1 --until-solved --seed "$seed" \
        --plain --max-seconds "$max_seconds" --run-dir "$out/runs" --summary-json "$summary" "${args[@]}" \
        > "$out/$name-seed$seed.log" 2>&1; then
      echo "warning: $name seed $seed exited non-zero, see $out/$name-seed$seed.log" >&2
    fi
    cpu="$(awk '{ printf "%.1f", $1 + $2 }' "$out/time.txt" 2>/dev/null || echo NA)"
    if [ -f "$summary" ]; then
      row="$(jq -r '[(.solved|tostring), (.seconds_to_solve // "NA"|tostring), (.updates|tostring), (.env_steps|tostring)] | @tsv' "$summary")"
    else
      row="$(printf 'false\tNA\tNA\tNA')"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$seed" "$row" "$cpu" "$load1" | tee -a "$tsv" >&2
  done
  round=$((round + 1))
done

echo "load after: $(cat /proc/loadavg)" >&2
# Median, min and max per configuration; an unsolved run counts as slower than any solved one.
awk -F'\t' -v order="${names[*]}" '
  NR == 1 { next }
  { n[$1]++; s = ($3 == "true" && $4 != "NA") ? $4 : 1e9; t[$1, n[$1]] = s; if (s == 1e9) miss[$1]++
    u[$1, n[$1]] = $5; e[$1, n[$1]] = $6; c[$1, n[$1]] = $7; l[$1] += $8 }
  function median(a, name, cnt,   i, j, v, tmp) {
    for (i = 1; i <= cnt; i++) v[i] = a[name, i]
    for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (v[j] + 0 < v[i] + 0) { tmp = v[i]; v[i] = v[j]; v[j] = tmp }
    return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
  }
  function fmt(x) { return x >= 1e9 ? "unsolved" : sprintf("%.2f", x) }
  END {
    printf "| config | median s | min s | max s | solved | median updates | median env steps | median CPU s | mean load1 |\n"
    printf "|---|---|---|---|---|---|---|---|---|\n"
    split(order, names, " ")
    for (k = 1; k in names; k++) {
      name = names[k]; cnt = n[name]; lo = 1e18; hi = 0
      for (i = 1; i <= cnt; i++) { if (t[name, i] < lo) lo = t[name, i]; if (t[name, i] > hi) hi = t[name, i] }
      printf "| %s | %s | %s | %s | %d/%d | %d | %d | %.1f | %.1f |\n", name, fmt(median(t, name, cnt)), fmt(lo), fmt(hi),
        cnt - miss[name], cnt, median(u, name, cnt), median(e, name, cnt), median(c, name, cnt), l[name] / cnt
    }
  }' "$tsv"
