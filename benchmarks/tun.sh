#!/usr/bin/env bash
# The TUN read/write path (a benchmark, not a test), as root: a namespace of its own, TunLoad inside it, the
# namespace deleted afterwards (also when interrupted).   benchmarks/tun.sh [seconds]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ns="ntmgate-tunbench-$$"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT INT TERM
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" java -cp "$repo/benchmarks/target/benchmarks.jar" org.ntmgate.benchmarks.TunLoad "${1:-10}"
