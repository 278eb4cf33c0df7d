#!/usr/bin/env bash
# Start-up time and resident memory of the exported gateway jar (a benchmark, not a test).
#
#   benchmarks/startup.sh [runs [filter]]   default 5 starts per JVM setting; filter: only settings containing it
#   JAVA=appliance-image/target/image/java-runtime/bin/java benchmarks/startup.sh   the image's trimmed runtime
#   SETTINGS="-XX:+UseSerialGC;-XX:+UseSerialGC -Xmx48m" benchmarks/startup.sh 3   only these JVM settings
#   IMAGE=appliance-image/target/image/ntmgate-*.img benchmarks/startup.sh 6   a flashed box booting with ntmgate-boot
#   COLD=1 ...   every start with a cold page cache (sync and drop_caches before it; root): a box's boot after a power
#                cycle, where the runtime, the jar and the data are read from the disk again
#
# For each JVM setting it starts runtime/target/ntmgate.jar `runs` times in one home (a free port each time): the
# first start is a box's first boot (a fresh home), the others reuse the framework storage as every later boot does.
# It measures the time from launching `java -jar` to the console answering without credentials (401) and to its
# bundles page with the generated password (200), polled every 10 ms by one Python process (benchmarks/
# startup-probe.py; PROBE=curl: the earlier curl-per-poll loop, which costs the starting JVM CPU), and the resident set size (VmRSS) 10 s after the "ntmgate started"
# line; prints the first start's times and the medians of the restarts. Every process it starts is stopped with
# SIGTERM (SIGKILL after 30 s) and the home deleted, also when interrupted.
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
run=""   # where the gateway runs and logs: $home, or the flashed box's data folder
stop() {
  # the python probe writes the JVM's PID to $run/pid: an interrupt while it runs still finds the JVM
  [ -z "$pid" ] && [ -n "$run" ] && [ -f "$run/pid" ] && pid=$(cat "$run/pid")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  pid=""
  [ -z "$run" ] || rm -f "$run/pid"
}
cleanup() {
  stop
  [ -n "$home" ] && rm -rf "$home"
  home=""
  run=""
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# one_run JVM_OPTS... -> prints "ms_to_401 ms_to_200 rss_kib ok|failed" for one start in $home (made by the caller;
# its first start is the box's first boot, later ones reuse the framework storage, as a box does at every boot)
one_run() {
  local port; port=$(free_port)
  local challenge="" in=""
  mkdir -p "$home/tmp"
  rm -f "$run/pid"
  if [ -n "${COLD:-}" ]; then
    sync
    echo 3 >/proc/sys/vm/drop_caches || { echo "COLD=1 needs root (writes /proc/sys/vm/drop_caches)" >&2; exit 1; }
  fi
  if [ -n "$image_file" ] || [ "${PROBE:-python}" = python ]; then
    # one poller process (benchmarks/startup-probe.py) launches the gateway and times the console
    local cmd times
    if [ -n "$image_file" ]; then
      # a flashed box booting as it does in the field: ntmgate-boot, the slot's bin/ntmgate and runtime, the options
      # given as JAVA_OPTS (after the image's own flags)
      cmd=(env NTMGATE_PORT="$port" JAVA_OPTS="$*" "$home/box/bin/ntmgate-boot")
    else
      cmd=("$java" "$@" -Djava.io.tmpdir="$home/tmp" -Dorg.osgi.service.http.port="$port" -jar "$jar")
    fi
    times=$(python3 "$repo/benchmarks/startup-probe.py" "$run" "$port" "${cmd[@]}") || true
    pid=$(cat "$run/pid" 2>/dev/null || true)
    read -r challenge in <<<"$times"
    [ "${challenge:-0}" = 0 ] && challenge=""
    [ "${in:-0}" = 0 ] && in=""
  else
    # PROBE=curl: the earlier probe, a curl every 20 ms from this shell (it costs the starting JVM CPU)
    local t0; t0=$(date +%s%N)
    (cd "$home" && exec "$java" "$@" -Djava.io.tmpdir="$home/tmp" -Dorg.osgi.service.http.port="$port" -jar "$jar" </dev/null >"$home/out.log" 2>&1) &
    pid=$!
    for _ in $(seq 1 1500); do
      if [ -z "$challenge" ]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/system/console/bundles" || true)
        [ "$code" = 401 ] && challenge=$(( ($(date +%s%N) - t0) / 1000000 ))
      fi
      if [ -n "$challenge" ] && [ -f "$home/console-password" ]; then
        local pw; pw=$(sed -n 's/^password=//p' "$home/console-password")
        code=$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$pw" "http://127.0.0.1:$port/system/console/bundles" || true)
        if [ "$code" = 200 ]; then in=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.02
    done
  fi
  for _ in $(seq 1 300); do grep -q "ntmgate started:" "$run/out.log" && break; sleep 0.1; done
  local ok=failed
  [ -n "$in" ] && grep -q "ntmgate started:" "$run/out.log" && ok=ok
  sleep 10
  local rss=0
  kill -0 "$pid" 2>/dev/null && rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  stop
  echo "${challenge:-0} ${in:-0} $rss $ok"
}

# IMAGE=path.img: flash the image into a fresh box folder per setting and boot it with its own ntmgate-boot (the
# image's flags; SETTINGS then adds options through JAVA_OPTS, default none). KEY: its public key (the dev key).
image_file=${IMAGE:-}
image_key=${KEY:-$repo/appliance-image/target/image/dev-key/image.key.pub}
tool_cp=$(ls "$repo"/appliance-image/target/ntmgate-appliance-image-*.jar 2>/dev/null | head -1):$(ls "$repo"/bundles/storage/target/org.ntmgate.storage-*.jar 2>/dev/null | grep -v sources | head -1)
printf '%-50s %22s %22s %9s %s\n' "JVM options" "first start 401/200" "restart 401/200" "RSS" "runs ok"
# SETTINGS="opts1;opts2" replaces the list below (e.g. SETTINGS="-XX:+UseSerialGC;-XX:+UseSerialGC -Xmx48m").
image="-XX:+UseSerialGC -Xshare:auto -Xms16m -Xmx128m"
# the image's flags (appliance-image bin/ntmgate), the same with C2 ten times later, and with C1 only
default_settings=("$image" "$image -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=20000 -XX:Tier4CompileThreshold=60000 -XX:Tier4BackEdgeThreshold=400000"
  "$image -XX:TieredStopAtLevel=1")
if [ -n "${SETTINGS:-}" ]; then IFS=';' read -r -a settings <<<"$SETTINGS"
elif [ -n "$image_file" ]; then settings=("")
else settings=("${default_settings[@]}"); fi
for opts in "${settings[@]}"; do
  if [ -n "$only" ] && [[ "$opts" != *"$only"* ]]; then continue; fi
  results=()
  home=$(mktemp -d /tmp/ntmgate-bench.XXXXXX)
  run=$home
  if [ -n "$image_file" ]; then
    java -cp "$tool_cp" org.ntmgate.image.Tool flash "$image_file" "$home/box" --trusted-key "$image_key" >/dev/null 2>&1 \
      || { echo "flashing $image_file failed" >&2; exit 1; }
    run=$home/box/data
  fi
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    results+=("$(one_run $opts)")
  done
  cleanup
  okcount=$(printf '%s\n' "${results[@]}" | grep -c ' ok$' || true)
  first=$(printf '%s\n' "${results[0]}" | awk '$4 == "ok" {print $1 "/" $2 " ms"}')
  restarts=$(printf '%s\n' "${results[@]:1}" | { grep ' ok$' || true; })
  r401=$(awk '{print $1}' <<<"$restarts" | median)
  r200=$(awk '{print $2}' <<<"$restarts" | median)
  rss=$(printf '%s\n' "${results[@]}" | { grep ' ok$' || true; } | awk '{print $3}' | median)
  label=$opts
  [ -n "$image_file" ] && label="box boot (ntmgate-boot) ${opts:+JAVA_OPTS=$opts}"
  [ -n "${COLD:-}" ] && label="${label% }, cold cache"
  printf '%-50s %22s %22s %5s MiB %s/%s\n' "$label" "${first:-failed}" "${r401:-n/a}/${r200:-n/a} ms" \
    "$( [ -n "$rss" ] && echo $((rss / 1024)) || echo n/a)" "$okcount" "$runs"
done
