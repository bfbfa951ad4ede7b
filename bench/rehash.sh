#!/usr/bin/env bash
# The insert stall of a bucket resize: writing nf_conntrack_buckets rehashes the whole table under a lock,
# and new connections wait. For each table size (default 10000 100000 1000000 entries, UDP flows in a
# throw-away namespace), a prober in that namespace opens new flows back to back (each one conntrack
# insert) while the buckets are doubled; the longest gap between two of its sends is the stall an insert
# saw, beside the write's own duration and the prober's median gap without a resize.
# Root only. Raises nf_conntrack_max when the largest size needs it and puts max and buckets back on exit.
# Usage: bench/rehash.sh [SIZES...]
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
SIZES=("${@:-10000 100000 1000000}")
read -r -a SIZES <<<"${SIZES[*]}"
SYS=/proc/sys/net/netfilter
orig_max=$(cat $SYS/nf_conntrack_max)
orig_buckets=$(cat $SYS/nf_conntrack_buckets)
NS=ctguard-bench-rehash-$$
TMP=$(mktemp -d /tmp/ctguard-rehash.XXXXXX)
cleanup() {
    ip netns del "$NS" 2>/dev/null || true
    echo "$orig_buckets" > $SYS/nf_conntrack_buckets
    echo "$orig_max" > $SYS/nf_conntrack_max
    rm -rf "$TMP"
}
trap cleanup EXIT

largest=$(printf '%s\n' "${SIZES[@]}" | sort -n | tail -1)
need=$(( largest + largest / 5 + $(cat $SYS/nf_conntrack_count) + 10000 ))
(( need > orig_max )) && echo "$need" > $SYS/nf_conntrack_max

cat >"$TMP/fill.py" <<'EOF'
import socket, sys, time
n, end = int(sys.argv[1]), time.time() + 120
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for host in range(1, 255):
    for port in range(1024, 65536):
        if sent == n or time.time() > end:
            sys.exit(0 if sent == n else 1)
        s.sendto(b"x", ("127.0.0.%d" % host, port)); sent += 1
EOF
# prober: new flows (another source address each time: a new tuple, a new insert) until the stop file
# exists, bounded to 30 s; prints the gaps between consecutive sends in microseconds
cat >"$TMP/probe.py" <<'EOF'
import os, socket, sys, time
stop, end = sys.argv[1], time.time() + 30
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
gaps, last, i = [], time.perf_counter(), 0
while not os.path.exists(stop) and time.time() < end:
    i += 1
    s.sendto(b"p", ("127.1.%d.%d" % ((i // 250) % 250, i % 250 + 1), 9))
    now = time.perf_counter(); gaps.append(now - last); last = now
gaps.sort()
print("%d %.0f %.0f" % (len(gaps), gaps[len(gaps) // 2] * 1e6, gaps[-1] * 1e6))
EOF

printf '%-10s %-22s %12s %14s %14s %16s\n' entries buckets "write ms" "insert stall" "median gap" "worst, no write"
for n in "${SIZES[@]}"; do
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
    ip netns exec "$NS" nft -f - <<'EOF'
table inet bench {
    chain out {
        type filter hook output priority 0;
        ct state new counter
    }
}
EOF
    ip netns exec "$NS" python3 "$TMP/fill.py" "$n"
    # the prober's own worst gap over 2 s without a resize: the noise floor of the figure
    rm -f "$TMP/stop"
    ip netns exec "$NS" python3 "$TMP/probe.py" "$TMP/stop" >"$TMP/base.out" &
    probe=$!
    sleep 2
    touch "$TMP/stop"
    wait "$probe"
    read -r _ _ floor <"$TMP/base.out"
    rm -f "$TMP/stop"
    ip netns exec "$NS" python3 "$TMP/probe.py" "$TMP/stop" >"$TMP/probe.out" &
    probe=$!
    sleep 1
    before=$(cat $SYS/nf_conntrack_buckets)
    s=${EPOCHREALTIME/[.,]/}
    echo $(( before * 2 )) > $SYS/nf_conntrack_buckets
    e=${EPOCHREALTIME/[.,]/}
    sleep 1
    touch "$TMP/stop"
    wait "$probe"
    read -r probes median worst <"$TMP/probe.out"
    printf '%-10s %-22s %12.1f %11.1f ms %11.1f us %13.1f ms\n' "$n" "$before -> $(cat $SYS/nf_conntrack_buckets)" \
        "$(awk -v d=$((e - s)) 'BEGIN { print d / 1000 }')" "$(awk -v w="$worst" 'BEGIN { print w / 1000 }')" "$median" \
        "$(awk -v w="$floor" 'BEGIN { print w / 1000 }')"
    echo "$orig_buckets" > $SYS/nf_conntrack_buckets
done
