#!/usr/bin/env bash
# ctguard guard's own figures (issue: "reaction time, CPU and RSS"):
#  1. reaction time: in a throw-away namespace with max lowered to 1024, a burst of TCP flows crosses the
#     70 % trigger at a known instant; the time from that instant to guard's raise event (written after the
#     raise) is the reaction, for REACTION_RUNS bursts at the default 1 s interval. Baseline: the interval.
#  2. cost: guard at the default 1 s interval for GUARD_SECONDS (default 600) with one namespace holding
#     500 flows (nothing to raise); its CPU time (utime+stime from /proc) and RSS (VmRSS, VmHWM) against
#     one 'ctguard status --json' measured in the same run, with the launcher's JVM flags.
# Root only. Every tunable is put back on exit; the flows stay on the namespace's loopback.
# Usage: bench/guard.sh      (GUARD_SECONDS=60 REACTION_RUNS=3 bench/guard.sh for a quick look)
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
JAR=$REPO/java-agent/target/ctguard.jar
[ -f "$JAR" ] || (cd "$REPO/java-agent" && mvn -q -B -ntp package -DskipTests)
GUARD_SECONDS=${GUARD_SECONDS:-600}
REACTION_RUNS=${REACTION_RUNS:-5}
SYS=/proc/sys/net/netfilter
names=(nf_conntrack_max nf_conntrack_buckets nf_conntrack_tcp_timeout_time_wait)
declare -A saved
for n in "${names[@]}"; do saved[$n]=$(cat "$SYS/$n"); done
NS=ctguard-bench-guard-$$
TMP=$(mktemp -d /tmp/ctguard-bench-guard.XXXXXX)
cp "$JAR" "$TMP/ctguard.jar"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
    for n in "${names[@]}"; do [ "$(cat "$SYS/$n")" = "${saved[$n]}" ] || echo "${saved[$n]}" > "$SYS/$n"; done
    [ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
# the launcher's flags for guard (packaging/ctguard); GUARD_HEAP="" measures the JVM's default heap instead
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData ${GUARD_HEAP--Xmx32m} -jar "$TMP/ctguard.jar")
[ "$(cat $SYS/nf_conntrack_count)" -lt 100 ] || { echo "the initial namespace holds entries: this bench needs a quiet node" >&2; exit 1; }

make_namespace() {
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip netns exec "$NS" nft -f - <<'EOF'
table inet benchguard {
    chain in {
        type filter hook input priority 0;
        ct state new counter
    }
}
EOF
}
make_namespace

# FLOWS flows opened as fast as possible; prints the epoch time at which the count of opened flows reached
# AT; holds them until RELEASE exists (at most HOLD seconds, default 60)
cat >"$TMP/burst.py" <<'EOF'
import os, resource, socket, sys, time
flows, at, port, release = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
hold = float(sys.argv[5]) if len(sys.argv) > 5 else 60
resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(4096); srv.setblocking(False)
held = []
for i in range(1, flows + 1):
    c = socket.socket(); c.setblocking(False); c.connect_ex(("127.0.0.1", port)); held.append(c)
    if i == at:
        print("%.6f" % time.time(), flush=True)
    try:
        while True:
            a, _ = srv.accept(); held.append(a)
    except BlockingIOError:
        pass
end = time.time() + hold
while not os.path.exists(release) and time.time() < end:
    time.sleep(0.1)
for s in held:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
EOF

echo "== reaction time: trigger crossing -> raised max (interval 1s, max 1024, trigger 70% = 717 flows)"
reactions=()
for run in $(seq 1 "$REACTION_RUNS"); do
    echo 1024 > $SYS/nf_conntrack_max
    rm -f "$TMP/release"
    "${JAVA[@]}" guard --interval 1s --duration 40s --state-dir "$TMP/state" >"$TMP/guard-$run.out" 2>/dev/null &
    gpid=$!
    PIDS+=("$gpid")
    # let it take a few samples, then start the burst at a random phase of its interval
    sleep "3.$((RANDOM % 10))"
    ip netns exec "$NS" python3 "$TMP/burst.py" 800 717 $((9100 + run)) "$TMP/release" >"$TMP/burst-$run.out" &
    bpid=$!
    PIDS+=("$bpid")
    for _ in $(seq 1 50); do grep -q '"event":"raise"' "$TMP/guard-$run.out" && break; sleep 0.1; done
    kill -TERM "$gpid"; wait "$gpid" || true
    touch "$TMP/release"; wait "$bpid" || true
    # back to 1024 (and no snapshot left), and the burst's entries gone before the next one
    "${JAVA[@]}" restore --wait 30s --state-dir "$TMP/state" >/dev/null
    # a namespace of its own per burst: deleting it takes its entries away at once
    ip netns del "$NS"; make_namespace
    crossed=$(head -1 "$TMP/burst-$run.out")
    raised=$(python3 -c 'import json, sys, datetime
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["event"] == "raise":
        print(datetime.datetime.fromisoformat(o["at"].replace("Z", "+00:00")).timestamp()); break' "$TMP/guard-$run.out")
    if [ -z "$raised" ] || [ -z "$crossed" ]; then
        echo "run $run: no raise seen (crossed at ${crossed:-never})" >&2
        continue
    fi
    ms=$(python3 -c "print(round((float('$raised') - float('$crossed')) * 1000))")
    reactions+=("$ms")
    echo "run $run: crossed at $crossed, raised at $raised: ${ms} ms"
done
if [ "${#reactions[@]}" -gt 0 ]; then
    python3 - "${reactions[@]}" <<'PYEOF'
import statistics, sys
ms = sorted(int(a) for a in sys.argv[1:])
print("reaction ms: median %d, min %d, max %d over %d bursts; median / interval (1000 ms) = %.2f"
      % (statistics.median(ms), ms[0], ms[-1], len(ms), statistics.median(ms) / 1000))
PYEOF
fi
echo "${saved[nf_conntrack_max]}" > $SYS/nf_conntrack_max

echo "== cost: guard --interval 1s for ${GUARD_SECONDS}s, one namespace holding 500 flows"
rm -f "$TMP/release"
ip netns exec "$NS" python3 "$TMP/burst.py" 500 500 9200 "$TMP/release" $((GUARD_SECONDS + 30)) >/dev/null &
PIDS+=($!)
clk=$(getconf CLK_TCK)
cpu() { awk -v c="$clk" '{ split($0, a, ") "); split(a[2], f, " "); printf "%.3f", (f[12] + f[13]) / c }' "/proc/$1/stat"; }
rss() { awk -v k="$2" '$1 == k":" { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
/usr/bin/time -f '%e %U %S %M' -o "$TMP/status.time" "${JAVA[@]}" status --json >/dev/null
read -r st_wall st_user st_sys st_rss_kib <"$TMP/status.time"
st_cpu=$(python3 -c "print(round($st_user + $st_sys, 2))")
st_rss=$(python3 -c "print(round($st_rss_kib / 1024, 1))")
"${JAVA[@]}" guard --interval 1s --duration "${GUARD_SECONDS}s" --state-dir "$TMP/state-cost" >"$TMP/cost.out" 2>&1 &
gpid=$!
PIDS+=("$gpid")
sleep 10
kill -0 "$gpid" 2>/dev/null || { echo "guard ended early: $(cat "$TMP/cost.out")" >&2; exit 1; }
cpu10=$(cpu "$gpid")
rss10=$(rss "$gpid" VmRSS)
sleep $((GUARD_SECONDS - 12))
cpu_end=$(cpu "$gpid")
rss_end=$(rss "$gpid" VmRSS)
hwm=$(rss "$gpid" VmHWM)
wait "$gpid" || true
samples=$(python3 -c 'import json, sys
print([json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")][-1]["samples"])' "$TMP/cost.out")
python3 - <<PYEOF
cpu10, cpu_end, seconds, samples = $cpu10, $cpu_end, $GUARD_SECONDS, $samples
steady = cpu_end - cpu10
per = steady / max(1, samples - 10) * 1000
print("baseline: one 'ctguard status --json': %.2f s CPU, %.1f MiB peak RSS, %.2f s wall" % ($st_cpu, $st_rss, $st_wall))
print("guard: %d samples in %d s; CPU %.2f s in all (%.2f s in its first 10 s), %.1f ms per sample after that, %.2f %% of one core"
      % (samples, seconds, cpu_end, cpu10, per, steady / (seconds - 10) * 100))
print("guard RSS: %.1f MiB at 10 s, %.1f MiB at the end, peak %.1f MiB; peak / status's peak = %.2f"
      % ($rss10, $rss_end, $hwm, $hwm / $st_rss))
PYEOF
