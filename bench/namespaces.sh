#!/usr/bin/env bash
# Cost of the per-namespace headroom scan (a benchmark, not a test: it prints figures and exits 0).
#
# Measures `ctguard status --json` wall time with no extra network namespace, then with N named
# namespaces (default 200) that each track a few loopback connections: first while every namespace has
# a process in it (read through /proc/PID/net/stat, no namespace entered), then with no process left
# (read with one `ip -all netns exec`). Median of RUNS runs each. Root; only loopback traffic inside the
# namespaces it creates, all removed on exit (also on Ctrl-C).
#
# Usage: bench/namespaces.sh [-n NAMESPACES] [-r RUNS]
set -euo pipefail
export LC_ALL=C
COUNT=200
RUNS=7
while [[ $# -gt 0 ]]; do
    case $1 in
        -n) COUNT=$2; shift 2 ;;
        -r) RUNS=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "namespaces.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ $COUNT =~ ^[0-9]+$ && $COUNT -ge 1 && $COUNT -le 1000 ]] || { echo "namespaces.sh: -n must be 1..1000" >&2; exit 2; }
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 3 ]] || { echo "namespaces.sh: -r must be at least 3" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "namespaces.sh: needs root" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/java-agent/target/ctguard.jar
[[ -f $JAR ]] || (cd "$ROOT" && mvn -q -B package -DskipTests)
PREFIX=ctg-bench-$$-
HOLDERS=()

cleanup() {
    for pid in "${HOLDERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX" || true); do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

median_ms() {
    local times=()
    for _ in $(seq "$RUNS"); do
        local start=${EPOCHREALTIME/[.,]/}
        java -jar "$JAR" status --json > /tmp/ctg-bench-status.$$.json
        local end=${EPOCHREALTIME/[.,]/}
        times+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

listed() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['namespaces']), sum(n['count'] for n in d['namespaces']))" /tmp/ctg-bench-status.$$.json
}

echo "baseline: no extra namespace ($RUNS runs)"
base=$(median_ms)
read -r base_listed _ < <(listed)

echo "creating $COUNT namespaces, each tracking 5 loopback connections ..."
for i in $(seq "$COUNT"); do
    ns=$PREFIX$i
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" nft 'add table inet ctg; add chain inet ctg in { type filter hook input priority 0; }; add rule inet ctg in ct state new,established accept'
    # per-namespace timeouts: keep the closed connections' entries for the whole benchmark
    for t in close time_wait fin_wait close_wait last_ack; do
        ip netns exec "$ns" sh -c "echo 900 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_$t"
    done
    ip netns exec "$ns" python3 -c "
import socket
s = socket.socket(); s.bind(('127.0.0.1', 7777)); s.listen(16)
c = [socket.create_connection(('127.0.0.1', 7777), timeout=2) for _ in range(5)]"
    ip netns exec "$ns" sleep 600 & HOLDERS+=($!)
done
sleep 1

echo "with $COUNT namespaces, each with a process ($RUNS runs)"
with_pids=$(median_ms)
read -r pid_listed pid_entries < <(listed)

for pid in "${HOLDERS[@]}"; do kill "$pid" 2>/dev/null || true; done
wait 2>/dev/null || true
HOLDERS=()
echo "with $COUNT named namespaces and no process in them ($RUNS runs)"
named_only=$(median_ms)
read -r named_listed named_entries < <(listed)
rm -f /tmp/ctg-bench-status.$$.json

printf '\n%-46s %10s %8s %10s\n' "case" "median ms" "listed" "vs base"
printf '%-46s %10d %8d %10s\n' "no extra namespace" "$base" "$base_listed" "1.00x"
printf '%-46s %10d %8d %9sx\n' "$COUNT namespaces with a process (/proc/PID)" "$with_pids" "$pid_listed" "$(awk -v a="$with_pids" -v b="$base" 'BEGIN{printf "%.2f", a/b}')"
printf '%-46s %10d %8d %9sx\n' "$COUNT named, no process (ip -all netns exec)" "$named_only" "$named_listed" "$(awk -v a="$named_only" -v b="$base" 'BEGIN{printf "%.2f", a/b}')"
echo "entries found: $pid_entries (with processes), $named_entries (named only); expected about $((COUNT * 5)) each"
echo "scan cost per namespace: $(awk -v a="$with_pids" -v b="$base" -v n="$COUNT" 'BEGIN{printf "%.2f", (a-b)/n}') ms (process path), $(awk -v a="$named_only" -v b="$base" -v n="$COUNT" 'BEGIN{printf "%.2f", (a-b)/n}') ms (named path)"
