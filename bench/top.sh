#!/usr/bin/env bash
# ctguard top: speed and memory (issue targets: >= 3x faster than mawk counting one field over the same file
# at 1 M entries, peak RSS <= 96 MiB at 1 M and 4 M). Same run, same machine:
#   1. bench/top_gen.py writes 1 M and 4 M entries in the /proc form and 1 M in the conntrack -L form;
#      ctguard top --input FILE --json against mawk '{c[$3]++}' (the protocol column), median of RUNS runs,
#      wall time and peak RSS (time -f %M);
#   2. the real table: ENTRIES UDP flows in a throw-away namespace (bounded by count, 30 s and 90 % of the
#      headroom under the global max), read by ctguard top --netns NS, by conntrack -L | wc -l and by
#      cat /proc/net/nf_conntrack | wc -l in that namespace.
# Needs root for part 2 (skipped otherwise). Usage: bench/top.sh [RUNS] (default 3); ENTRIES=200000.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
JAR=${CTGUARD_JAR:-$REPO/java-agent/target/ctguard.jar}
RUNS=${1:-3}
ENTRIES=${ENTRIES:-200000}
[ -f "$JAR" ] || { echo "no $JAR: make build" >&2; exit 1; }
TMP=$(mktemp -d /tmp/ctguard-bench-top.XXXXXX)
NS=ctguard-bench-top-$$
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
# the launcher's flags for top (packaging/ctguard): the optimising compiler, the serial collector
CTGUARD=(java -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -jar "$JAR")

# measure LABEL CMD...: median wall ms and the largest peak RSS over RUNS runs
measure() {
    local label=$1; shift
    local walls=() rss=0 s e m
    for ((i = 0; i < RUNS; i++)); do
        s=${EPOCHREALTIME/[.,]/}
        /usr/bin/time -f '%M' -o "$TMP/time" "$@" > /dev/null
        e=${EPOCHREALTIME/[.,]/}
        walls+=($(( (e - s) / 1000 )))
        m=$(tail -n 1 "$TMP/time"); (( m > rss )) && rss=$m
    done
    MEDIAN=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
    RSS=$rss
    printf '%-44s %9s ms %9.1f MiB\n' "$label" "$MEDIAN" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
}

echo "generating entry lists (bench/top_gen.py)"
python3 "$HERE/top_gen.py" 1000000 > "$TMP/1m.proc"
python3 "$HERE/top_gen.py" 1000000 --format conntrack --seed 2 > "$TMP/1m.conntrack"
python3 "$HERE/top_gen.py" 4000000 --seed 3 > "$TMP/4m.proc"
ls -l "$TMP"/*.proc "$TMP"/*.conntrack | awk '{ printf "  %s %.0f MB\n", $NF, $5 / 1e6 }'

printf '\n%-44s %12s %13s\n' "input (median of $RUNS)" "wall" "peak RSS"
for f in 1m.proc 1m.conntrack 4m.proc; do
    measure "ctguard top --input $f --json" "${CTGUARD[@]}" top --input "$TMP/$f" --json
    top_ms=$MEDIAN top_rss=$RSS
    measure "mawk '{c[\$3]++}' $f" mawk '{ c[$3]++ } END { for (k in c) print k, c[k] }' "$TMP/$f"
    awk -v t="$top_ms" -v m="$MEDIAN" -v r="$top_rss" -v f="$f" 'BEGIN {
        printf "  %s: ctguard top is %.2fx mawk'"'"'s speed (target >= 3x at 1 M), peak RSS %.1f MiB (target <= 96)\n", f, m / t, r / 1024 }'
done

if [ "$(id -u)" != 0 ]; then
    echo "(not root: the real-table part is skipped)"
    exit 0
fi
max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
count=$(cat /proc/sys/net/netfilter/nf_conntrack_count)
room=$(( (max - count) * 9 / 10 ))
(( ENTRIES > room )) && ENTRIES=$room
echo
echo "real table: $ENTRIES UDP flows in namespace $NS (global max $max, $count entries elsewhere)"
ip netns add "$NS"
ip -n "$NS" link set lo up
# the namespace's own UDP timeout (per namespace: the initial one is not touched), so nothing expires mid-run
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
ip netns exec "$NS" nft -f - <<'EOF'
table inet bench {
    chain out {
        type filter hook output priority 0;
        ct state new counter
    }
}
EOF
ip netns exec "$NS" timeout 30 python3 - "$ENTRIES" <<'EOF'
import socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for host in range(1, 250):
    for port in range(1024, 65536):
        if sent == n:
            sys.exit(0)
        s.sendto(b"x", ("127.0.0.%d" % host, port))
        sent += 1
EOF
measure "ctguard top --netns $NS --json" "${CTGUARD[@]}" top --netns "$NS" --json
"${CTGUARD[@]}" top --netns "$NS" --json > "$TMP/real.json"
measure "conntrack -L | wc -l (in $NS)" ip netns exec "$NS" sh -c 'conntrack -L 2>/dev/null | wc -l'
measure "cat /proc/net/nf_conntrack | wc -l (in $NS)" ip netns exec "$NS" sh -c 'cat /proc/net/nf_conntrack | wc -l'
echo "  entries: ctguard top $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["entries"])' "$TMP/real.json"),"\
" conntrack -L $(ip netns exec "$NS" sh -c 'conntrack -L 2>/dev/null | wc -l'), /proc $(ip netns exec "$NS" sh -c "wc -l < /proc/net/nf_conntrack")"
