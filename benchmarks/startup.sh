#!/usr/bin/env bash
# Start-up time and resident memory of the exported gateway jar (a benchmark, not a test).
#
#   benchmarks/startup.sh [runs [filter]]   default 5 runs per JVM setting; filter: only settings containing it
#   JAVA=appliance-image/target/image/java-runtime/bin/java benchmarks/startup.sh   the image's trimmed runtime
#   SETTINGS="-XX:+UseSerialGC;-XX:+UseSerialGC -Xmx48m" benchmarks/startup.sh 3   only these JVM settings
#
# For each JVM setting it starts runtime/target/ntmgate.jar in a fresh home on a free port, measures the time from
# launching `java -jar` to the console answering HTTP (401 without credentials), and the resident set size (VmRSS)
# 10 s after the "ntmgate started" line; prints the median of the runs. Every process it starts is stopped with
# SIGTERM (SIGKILL after 30 s) and its home deleted, also when interrupted.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jar=${JAR:-$repo/runtime/target/ntmgate.jar}
java=${JAVA:-java}
[[ "$java" == */* ]] && java=$(cd "$(dirname "$java")" && pwd)/$(basename "$java")
runs=${1:-5}
only=${2:-}   # optional: run only the settings whose options contain this text
[ -f "$jar" ] || { echo "build first: mvn -B -DskipTests install" >&2; exit 1; }

pid=""
home=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -n "$home" ] && rm -rf "$home"
  pid=""; home=""
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# one_run JVM_OPTS... -> prints "ms_to_console rss_kib ok|failed"
one_run() {
  home=$(mktemp -d /tmp/ntmgate-bench.XXXXXX)
  local port; port=$(free_port)
  local t0; t0=$(date +%s%N)
  (cd "$home" && exec "$java" "$@" -Dorg.osgi.service.http.port="$port" -jar "$jar" </dev/null >"$home/out.log" 2>&1) &
  pid=$!
  local ms=""
  for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/system/console/bundles" || true)
    if [ "$code" = 401 ]; then ms=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  for _ in $(seq 1 300); do grep -q "ntmgate started:" "$home/out.log" && break; sleep 0.1; done
  local ok=failed
  if [ -n "$ms" ] && grep -q "ntmgate started:" "$home/out.log"; then
    local pw; pw=$(sed -n 's/^password=//p' "$home/console-password")
    [ "$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$pw" "http://127.0.0.1:$port/system/console/bundles")" = 200 ] && ok=ok
  fi
  sleep 10
  local rss=0
  kill -0 "$pid" 2>/dev/null && rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  cleanup
  echo "${ms:-0} $rss $ok"
}

printf '%-58s %12s %12s %s\n' "JVM options" "to console" "RSS" "runs ok"
# SETTINGS="opts1;opts2" replaces the list below (e.g. SETTINGS="-XX:+UseSerialGC;-XX:+UseSerialGC -Xmx48m").
default_settings=("" "-XX:+UseSerialGC" "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k" "-Xmx32m -XX:+UseSerialGC" "-Xmx24m -XX:+UseSerialGC" \
            "-Xmx16m -XX:+UseSerialGC" "-Xmx12m -XX:+UseSerialGC" "-Xmx8m -XX:+UseSerialGC" "-Xmx24m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=48m")
if [ -n "${SETTINGS:-}" ]; then IFS=';' read -r -a settings <<<"$SETTINGS"; else settings=("${default_settings[@]}"); fi
for opts in "${settings[@]}"; do
  if [ -n "$only" ] && [[ "$opts" != *"$only"* ]]; then continue; fi
  results=()
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    results+=("$(one_run $opts)")
  done
  okcount=$(printf '%s\n' "${results[@]}" | grep -c ' ok$' || true)
  # A setting where no run succeeded is reported as such (grep finds nothing), not allowed to end the script.
  ms=$(printf '%s\n' "${results[@]}" | { grep ' ok$' || true; } | awk '{print $1}' | median)
  rss=$(printf '%s\n' "${results[@]}" | { grep ' ok$' || true; } | awk '{print $2}' | median)
  printf '%-58s %9s ms %9s MiB %s/%s\n' "${opts:-(defaults)}" "${ms:-n/a}" "$( [ -n "$rss" ] && echo $((rss / 1024)) || echo n/a)" "$okcount" "$runs"
done
