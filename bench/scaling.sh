#!/usr/bin/env bash
# How each cost grows with the work: chaos-proxy against a direct connection, in the same ProxyBench run,
# for throughput with 1/4/16 streams, round-trip p99 with 1/16/256 connections, connection rate with
# 1/8/64 workers, and memory with 1,000 / 5,000 idle connections.
# usage: bash bench/scaling.sh [OUT_DIR]   (needs ../shared/bench or $BENCH_DIR; binds loopback only)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_dir=${BENCH_DIR:-$(cd ../shared/bench 2>/dev/null && pwd || true)}
[ -f "$bench_dir/ProxyBench.java" ] || { echo "ProxyBench not found: set BENCH_DIR" >&2; exit 1; }
out=${1:-bench/results/scaling}
mkdir -p "$out"
mvn -B -q -DskipTests package -pl chaosproxy-bench -am
UPSTREAM=19000 OURS=19105
java -cp chaosproxy-bench/target/chaosproxy-bench.jar io.chaosproxy.bench.ProxyMain $UPSTREAM $OURS >"$out/ours.log" 2>&1 &
ours=$!
trap 'kill $ours 2>/dev/null || true; wait $ours 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "chaos-proxy ready" "$out/ours.log" && break; sleep 0.1; done

run() {   # name, ProxyBench options...
  local name=$1; shift
  echo "== $name"
  java "$bench_dir/ProxyBench.java" --upstream-port $UPSTREAM --via ours=127.0.0.1:$OURS --pid ours=$ours "$@" \
    | tee "$out/$name.txt" | grep -E '^\s+(direct|ours)\s|streams|connection|workers|opened' || true
}
for streams in 1 4 16; do
  run "throughput-$streams" --workloads upload-par,download-par --streams $streams --rounds 3 --bytes 128m
done
for conns in 1 16 256; do
  run "rtt-$conns" --workloads rtt-par --rtt-conns $conns --rtt-count 20000 --rounds 3
done
for workers in 1 8 64; do
  run "connrate-$workers" --workloads connrate --conn-workers $workers --rounds 3
done
for idle in 1000 5000; do
  run "idle-$idle" --workloads "" --idle $idle --idle-hold 3
done
