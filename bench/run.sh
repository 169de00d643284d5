#!/usr/bin/env bash
# Runs the whole performance comparison and prints the tables:
#  1. ProxyBench (../shared/bench, or $BENCH_DIR) against a direct connection, chaos-proxy (its own JVM, routes
#     "ours" and "ours-lat1ms" with 1 ms latency) and the reference proxies (NetCrusher, haproxy, socat, a
#     naive Java proxy), interleaved in one run;
#  2. the in-process measurements ProxyBench cannot make (start/close, heap per idle connection,
#     allocation per MB, fault accuracy).
# usage: bash bench/run.sh [OUT_PREFIX] [extra ProxyBench options, e.g. --rounds 3 --bytes 128m --idle 2000]
# Needs JDK 17+, Maven, socat and haproxy (apt-get install -y socat haproxy). Binds loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
bench_dir=${BENCH_DIR:-$(cd ../shared/bench 2>/dev/null && pwd || true)}
[ -f "$bench_dir/ProxyBench.java" ] || { echo "ProxyBench not found: set BENCH_DIR to the folder holding ProxyBench.java and peers/" >&2; exit 1; }
out=$(pwd)/bench/results/run
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then out=$(realpath -m "$1"); shift; fi
mkdir -p "$(dirname "$out")"

mvn -B -q -DskipTests package -pl chaosproxy-bench -am
jar=chaosproxy-bench/target/chaosproxy-bench.jar

UPSTREAM=19000 OURS=19105   # run-peers.sh uses 19000..19104
java -cp "$jar" io.chaosproxy.bench.ProxyMain $UPSTREAM $OURS >"$out.ours.log" 2>&1 &
ours=$!
trap 'kill $ours 2>/dev/null || true; wait $ours 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "chaos-proxy ready" "$out.ours.log" && break; sleep 0.1; done

status=0
bash "$bench_dir/peers/run-peers.sh" "$out" \
  --via ours=127.0.0.1:$OURS --via ours-lat1ms=127.0.0.1:$((OURS + 1)) --pid ours=$ours "$@" || status=$?

echo
echo "== in-process measurements (a fresh JVM) ==" | tee "$out.inprocess.txt"
java -Xmx512m -jar "$jar" | tee -a "$out.inprocess.txt"
exit $status
