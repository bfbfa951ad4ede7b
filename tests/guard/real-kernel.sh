#!/usr/bin/env bash
# ctguard guard on the real kernel (make guard-kernel): a rising number of TCP flows in a throw-away
# namespace against a lowered max. Within the memory budget guard raises max ahead of the load, and the
# namespace's drop counter stays 0; past the budget's ceiling it says so once, and then the kernel drops;
# restore afterwards brings back the max guard started from. Every tunable is put back on exit; the flows
# stay on the namespace's loopback; the load is bounded in count (5000 flows, 10000 fds) and time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JAR=${CTGUARD_JAR:-$REPO/java-agent/target/ctguard.jar}
[ -f "$JAR" ] || { echo "no $JAR: build it with 'make build'" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
SYS=/proc/sys/net/netfilter
names=(nf_conntrack_max nf_conntrack_buckets nf_conntrack_tcp_timeout_time_wait)
declare -A saved
for n in "${names[@]}"; do saved[$n]=$(cat "$SYS/$n"); done
NS=ctguard-guard-$$
WORK=$(mktemp -d /tmp/ctguard-guard.XXXXXX)
STATE=$WORK/state
PIDS=()
cleanup() {
    touch "$WORK/release"
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
    for n in "${names[@]}"; do [ "$(cat "$SYS/$n")" = "${saved[$n]}" ] || echo "${saved[$n]}" > "$SYS/$n"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
ctguard() { java -XX:+UseSerialGC -jar "$JAR" "$@"; }
drops() {   # the namespace's drop counter: the per-CPU hexadecimal 'drop' column of its stat file, summed
    ip netns exec "$NS" python3 -c 'import sys; rows = [l.split() for l in open("/proc/net/stat/nf_conntrack")]; i = rows[0].index("drop"); print(sum(int(r[i], 16) for r in rows[1:]))'
}

ip netns add "$NS"
ip -n "$NS" link set lo up
# closed flows leave the namespace's table within 2 s (its own timeouts: the initial namespace's stay as they are)
for t in time_wait close fin_wait last_ack close_wait; do ip netns exec "$NS" sysctl -qw "net.netfilter.nf_conntrack_tcp_timeout_$t=2"; done
ip netns exec "$NS" nft -f - <<'EOF'
table inet guardtest {
    chain in {
        type filter hook input priority 0;
        ct state new counter
    }
}
EOF

# a budget whose ceiling is 4096: the hash table of the current buckets plus 6000 entries (between 4096 and 8192)
status=$(ctguard status --json)
entry=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["memory"]["entry_bytes"])' "$status")
buckets=${saved[nf_conntrack_buckets]}
budget=$(( buckets * 8 + 6000 * entry ))
[ "$(cat $SYS/nf_conntrack_count)" -lt 100 ] || { echo "the initial namespace holds entries: this test needs a quiet node" >&2; exit 1; }
echo 1024 > $SYS/nf_conntrack_max

# the load: FLOWS established TCP flows at RATE a second, held until the release file exists (max 60 s)
cat >"$WORK/ramp.py" <<'EOF'
import os, resource, socket, sys, time
flows, rate, release = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 9000)); srv.listen(4096); srv.setblocking(False)
held, start, opened, failed = [], time.time(), 0, 0
while opened < flows and time.time() - start < 40:
    due = start + opened / rate
    if time.time() < due:
        time.sleep(max(0, due - time.time()))
    c = socket.socket(); c.setblocking(False)
    c.connect_ex(("127.0.0.1", 9000)); held.append(c); opened += 1
    try:
        while True:
            a, _ = srv.accept(); held.append(a)
    except BlockingIOError:
        pass
    if opened % 500 == 0:
        print("opened", opened, flush=True)
end = time.time() + 60
while not os.path.exists(release) and time.time() < end:
    time.sleep(0.2)
for s in held:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
EOF

java -XX:+UseSerialGC -jar "$JAR" guard --interval 200ms --cooldown 1s --duration 60s --memory-budget "$budget" --state-dir "$STATE" >"$WORK/guard.out" 2>"$WORK/guard.err" &
GUARD=$!
PIDS+=("$GUARD")
sleep 2
# phase 1: 2800 flows at 400/s, within the ceiling's 4096
ip netns exec "$NS" python3 "$WORK/ramp.py" 2800 400 "$WORK/release" >"$WORK/ramp1.out" &
PIDS+=($!)
for _ in $(seq 1 40); do
    [ "$(grep -c '' "$WORK/ramp1.out")" -ge 5 ] && break
    sleep 0.5
done
sleep 2
max1=$(cat $SYS/nf_conntrack_max)
drops1=$(drops)
count1=$(ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_conntrack_count)
raises1=$(grep -c '"event":"raise"' "$WORK/guard.out" || true)
if [ "$drops1" = 0 ] && [ "$max1" -ge 4096 ] && [ "$count1" -ge 2800 ] && [ "$raises1" -ge 1 ]; then
    pass "within the budget: $count1 entries, guard raised max 1024 -> $max1 in $raises1 step(s) before any drop (drops $drops1)"
else
    fail "within the budget: count $count1, max $max1, drops $drops1, raises $raises1: $(cat "$WORK/guard.out")"
fi
# reaction: the first raise's time against the first sample past the trigger is in the log; its first line
first_raise=$(grep -m1 '"event":"raise"' "$WORK/guard.out" || true)
echo "     first raise: $first_raise"

# phase 2: 2500 more flows on a second port's worth of load pushes the table past the ceiling
sed -i 's/9000/9001/g' "$WORK/ramp.py"
ip netns exec "$NS" python3 "$WORK/ramp.py" 2500 800 "$WORK/release" >"$WORK/ramp2.out" &
PIDS+=($!)
sleep 6
drops2=$(drops)
max2=$(cat $SYS/nf_conntrack_max)
ceilings=$(grep -c '"event":"ceiling"' "$WORK/guard.out" || true)
if [ "$max2" = "$max1" ] && [ "$drops2" -gt 0 ] && [ "$ceilings" = 1 ] && grep -q "AT THE CEILING" "$WORK/guard.err"; then
    pass "past the ceiling: max stays $max2, the kernel drops ($drops2), and guard said so once"
else
    fail "past the ceiling: max $max2, drops $drops2, ceiling events $ceilings; $(tail -3 "$WORK/guard.out") $(cat "$WORK/guard.err")"
fi

# a second guard on the node refuses to start while this one runs
second_rc=0
ctguard guard --duration 5s --state-dir "$WORK/state2" >/dev/null 2>"$WORK/second.err" || second_rc=$?
if [ "$second_rc" = 75 ] && grep -q "another guard runs on this node: pid $GUARD" "$WORK/second.err"; then
    pass "a second guard exits 75: $(cat "$WORK/second.err")"
else
    fail "a second guard: rc $second_rc, $(cat "$WORK/second.err")"
fi

# 'guard stop' ends it between samples (SIGTERM), waits for its end line, and prints the run; guard exits 0
ctguard guard stop --json --state-dir "$STATE" >"$WORK/stop.json"
guard_rc=0
wait "$GUARD" || guard_rc=$?
if tail -n 1 "$WORK/guard.out" | grep -q '"event":"end".*"stopped":true' && [ "$guard_rc" = 0 ] \
    && python3 - "$WORK/stop.json" "$raises1" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["guard"]
events = [e["event"] for e in g["events"]]
assert g["was_running"] and g["stopped"], g
assert events[0] == "start" and events[-1] == "end", events
assert events.count("raise") >= int(sys.argv[2]) and events.count("ceiling") == 1, events
end = g["events"][-1]
# the test namespace's drops past the ceiling are in guard's figure, not only the initial namespace's
assert end["drops_last"] > end["drops_first"], end
EOF
then
    pass "guard stop: guard ended cleanly with exit 0 and its run was printed ($(tail -n 1 "$WORK/guard.out"))"
else
    fail "guard stop: guard rc $guard_rc, $(tail -n 2 "$WORK/guard.out"), $(cat "$WORK/stop.json")"
fi
[ -s "$STATE/guard.jsonl" ] && pass "the action log in the state dir has $(wc -l < "$STATE/guard.jsonl") lines" || fail "no $STATE/guard.jsonl"

# restore after the window: the flows released, the table drains, the max guard started from comes back
touch "$WORK/release"
if ctguard restore --wait 60s --state-dir "$STATE" >"$WORK/restore.out" 2>&1 && [ "$(cat $SYS/nf_conntrack_max)" = 1024 ]; then
    pass "restore put max back to 1024 (the value before guard's first raise)"
else
    fail "restore: max $(cat $SYS/nf_conntrack_max): $(tail -3 "$WORK/restore.out")"
fi

[ "$failures" = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
echo "guard on the real kernel: all checks passed"
