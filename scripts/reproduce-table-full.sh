#!/usr/bin/env bash
# End-to-end reproduction of "nf_conntrack: table full, dropping packet" in a throw-away network
# namespace, and of ctguard's answer to it (check -> prepare -> restore). Run as root; see --help.
# On a machine whose kernel other tests share, run it under `flock /tmp/ctguard-kernel.lock`.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/reproduce-table-full.sh [--max N] [--extra N]

Reproduces "nf_conntrack: table full, dropping packet" on this machine's real kernel, without touching
its own traffic, and shows ctguard detecting and fixing it. As root:

  1. saves the initial namespace's nf_conntrack_buckets, nf_conntrack_max and
     nf_conntrack_tcp_timeout_time_wait (exact bytes);
  2. creates the network namespace ctg-repro-PID: lo up, an nft 'ct state' rule so conntrack tracks it,
     TCP timeouts of its own of 1 s (close, TIME_WAIT, FIN, close-wait, last-ACK), so closed flows
     expire at once;
  3. lowers the global nf_conntrack_max to N;
  4. opens N+EXTRA TCP connections to a listener on 127.0.0.1 inside the namespace (python3
     scripts/conntrack_load.py; bounded: a 3 s connect window, 90 s at most holding): N established
     flows fill the namespace's table and cannot be early-dropped, the SYNs of the rest are dropped;
     shows the namespace's drop counter (/proc/net/stat/nf_conntrack) rising;
  5. finds the new table-full line(s) in the kernel log (dmesg; rate-limited by the kernel, so it
     provokes a few more drops after the rate-limit interval if none is there yet);
  6. `ctguard check --json` inside the namespace: CRITICAL (exit 2), reasons fill, table_full_log, drops;
  7. `ctguard prepare` in the initial namespace (temp --state-dir) raises max;
  8. the same N+EXTRA new flows all succeed now, and the drop counter does not move;
  9. `ctguard restore --wait 2m --interval 1s`, started while the table still holds N entries, waits;
     the held flows are closed with RST, their entries expire after 1 s and are reaped (the script
     lists the namespace's /proc/net/nf_conntrack every second, which reaps expired entries at once;
     otherwise the kernel's garbage collector would, within a minute), the table drains, and restore
     puts max back to N and exits 0;
 10. writes back the saved values, checks them byte for byte, and deletes the namespace.

Whatever happens (failure, Ctrl-C, TERM), the load generator and ctguard are stopped, the namespace is
deleted, the saved tunables are written back and the temp files removed. Traffic never leaves the
namespace; the initial namespace's table is never filled. Takes about 15 s. Needs ip, nft
(/usr/sbin/nft), python3, java 17, dmesg; builds java-agent/target/ctguard.jar with mvn when missing.

Options:
  --max N      the lowered nf_conntrack_max (1024..16384; default 4096)
  --extra N    connections beyond it (100..5000; default 1500)
  -h, --help   this text

Refuses to run (exit 2) when not root, a tool is missing, nf_conntrack_max is already at or below N,
or any network namespace (the initial one included) holds more than N/4 entries.

Exit codes: 0 everything observed as expected; 1 something was not (the FAIL lines say what);
2 refused to run; 64 bad arguments; 130/143 interrupted by SIGINT/SIGTERM (after cleaning up).
EOF
}

LOW_MAX=4096
EXTRA=1500
while (($#)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --max) LOW_MAX=${2:-}; shift 2 || shift ;;
        --extra) EXTRA=${2:-}; shift 2 || shift ;;
        *) echo "reproduce-table-full: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
if ! [[ $LOW_MAX =~ ^[0-9]+$ ]] || ((LOW_MAX < 1024 || LOW_MAX > 16384)); then
    echo "reproduce-table-full: --max must be a whole number in 1024..16384" >&2; exit 64
fi
if ! [[ $EXTRA =~ ^[0-9]+$ ]] || ((EXTRA < 100 || EXTRA > 5000)); then
    echo "reproduce-table-full: --extra must be a whole number in 100..5000" >&2; exit 64
fi

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
JAR=$ROOT/java-agent/target/ctguard.jar
LOADGEN=$SCRIPT_DIR/conntrack_load.py
NFT=/usr/sbin/nft
NS=ctg-repro-$$
SYSCTL=/proc/sys/net/netfilter
SAVED_NAMES=(nf_conntrack_buckets nf_conntrack_max nf_conntrack_tcp_timeout_time_wait)
NS_TIMEOUTS=(nf_conntrack_tcp_timeout_close nf_conntrack_tcp_timeout_time_wait nf_conntrack_tcp_timeout_fin_wait
    nf_conntrack_tcp_timeout_close_wait nf_conntrack_tcp_timeout_last_ack)
FLOWS=$((LOW_MAX + EXTRA))
ALLOWED=$((LOW_MAX * 10 / 11))  # what restore's default 10 % margin lets the original max hold
JAVA_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto)
# both forms of the message: "table full, dropping packet" (the initial namespace, and every namespace
# on older kernels) and "table full in netns INODE, dropping packet" (other namespaces, newer kernels)
TABLE_FULL_RE='table full(, | in netns [0-9]+, )dropping packet'

START_NS=$(date +%s%N)
TMP=""
MAIN_PID=""
SAVED=0
declare -A ORIG=()

# --- output ------------------------------------------------------------------------------------------
elapsed() { local now; now=$(date +%s%N); printf '%d.%d' $(((now - START_NS) / 1000000000)) $(((now - START_NS) / 100000000 % 10)); }
say() { printf '[%6ss] %s\n' "$(elapsed)" "$*"; }
step() { printf '\n[%6ss] == %s\n' "$(elapsed)" "$*"; }
fail() { printf '\n[%6ss] FAIL: %s\n' "$(elapsed)" "$*" >&2; exit 1; }
refuse() { printf 'reproduce-table-full: REFUSED: %s\n' "$*" >&2; exit 2; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
secs() { printf '%d.%03d s' $(($1 / 1000)) $(($1 % 1000)); }

# --- helpers -----------------------------------------------------------------------------------------
ctguard() { java "${JAVA_OPTS[@]}" -jar "$JAR" "$@"; }
ctguard_ns() { ip netns exec "$NS" java "${JAVA_OPTS[@]}" -jar "$JAR" "$@"; }
loadgen() { ip netns exec "$NS" python3 "$LOADGEN" "$@"; }
# json FILE EXPR: a field of a JSON file, EXPR in Python over `d` (e.g. 'd["usage"]["max"]')
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); v = eval(sys.argv[2]); print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"; }
ns_count() { ip netns exec "$NS" cat "$SYSCTL/nf_conntrack_count"; }
# the namespace's `drop` counter: summed over the CPU rows, hex values, the column found by its header name
ns_drops() {
    local header row col=-1 sum=0 i
    {
        read -r -a header
        for i in "${!header[@]}"; do
            if [[ ${header[i]} == drop ]]; then col=$i; fi
        done
        if ((col < 0)); then echo "no 'drop' column in /proc/net/stat/nf_conntrack: ${header[*]}" >&2; return 1; fi
        while read -r -a row; do sum=$((sum + 16#${row[col]})); done
    } < <(ip netns exec "$NS" cat /proc/net/stat/nf_conntrack)
    echo "$sum"
}
# The kernel log's own clock (seconds since boot, dmesg's default stamp): the stamp of its last line
# at the start; table-full lines stamped later are new. (Wall-clock times will not do: dmesg derives
# its ISO times from the boot time, and they lag the wall clock by up to seconds.)
log_stamp() { sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p' | tail -n1; }
new_log_lines() {
    dmesg | awk -v start="$LOG_START" '{ s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s) } s + 0 > start + 0' |
        grep -E "$TABLE_FULL_RE" || true
}
# byte-compare two files through pipes (procfs files have no size, which defeats cmp's size shortcut)
same_bytes() { cmp -s <(cat "$1") <(cat "$2"); }
wait_for_file() { # FILE SECONDS PID: until FILE exists; fails when PID dies or time runs out
    local deadline=$(($(date +%s) + $2))
    until [[ -e $1 ]]; do
        kill -0 "$3" 2>/dev/null || return 1
        (($(date +%s) < deadline)) || return 1
        sleep 0.1
    done
}

# --- cleanup -----------------------------------------------------------------------------------------
# The steps run in a child process; this shell only waits for it and holds the traps. (Bash 5.2 runs a
# pending trap from inside its parser while it expands a $(...), and then fails to parse the trap:
# "trap: line 2: unexpected EOF while looking for matching `)'". A shell sitting in `wait` is immune.)
descendants() { # PID: its children, grandchildren, ...
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}
stop_pids() { # PID...: TERM, up to 5 s, then KILL
    local pid alive i
    (($#)) || return 0
    kill -TERM "$@" 2>/dev/null || true
    for i in $(seq 50); do
        alive=0
        for pid in "$@"; do if kill -0 "$pid" 2>/dev/null; then alive=1; fi; done
        ((alive)) || return 0
        sleep 0.1
    done
    kill -KILL "$@" 2>/dev/null || true
}
# a pid the steps recorded (PIDFILE NAME), when that process still runs that program
recorded_pid() {
    local pid
    [[ -n $TMP && -f $TMP/$1 ]] || return 0
    pid=$(<"$TMP/$1")
    if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "$2"; then echo "$pid"; fi
}
remove_namespace() {
    local pids
    ip netns list 2>/dev/null | grep -qw "^$NS" || return 0
    pids=$(ip netns pids "$NS" 2>/dev/null || true)
    if [[ -n $pids ]]; then
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
    fi
    ip netns del "$NS" 2>/dev/null || true
}
put_back_tunables() { # every saved value that differs, buckets first; 0 when all are back byte for byte
    local n ok=0
    ((SAVED)) || return 0
    for n in "${SAVED_NAMES[@]}"; do
        if ! same_bytes "$TMP/saved.$n" "$SYSCTL/$n"; then
            echo "           putting $n back: $(<"$SYSCTL/$n") -> ${ORIG[$n]}"
            printf '%s\n' "${ORIG[$n]}" >"$SYSCTL/$n" || echo "           could not write $n" >&2
        fi
    done
    for n in "${SAVED_NAMES[@]}"; do
        if ! same_bytes "$TMP/saved.$n" "$SYSCTL/$n"; then
            echo "reproduce-table-full: $n is $(<"$SYSCTL/$n"), not its original ${ORIG[$n]}: write it back by hand" >&2
            ok=1
        fi
    done
    return $ok
}
# On every exit of this shell (end, failure, INT, TERM); safe to run more than once.
cleanup() {
    local rc=$? pids
    trap '' INT TERM
    set +e
    if [[ -n $MAIN_PID ]]; then
        # the steps, what they started, and what they recorded in case it outlived them
        pids=$(descendants "$MAIN_PID"; recorded_pid hold.pid conntrack_load.py; recorded_pid restore.pid ctguard.jar)
        # shellcheck disable=SC2086
        stop_pids $pids "$MAIN_PID"
        wait "$MAIN_PID" 2>/dev/null
        MAIN_PID=""
    fi
    remove_namespace
    if ip netns list 2>/dev/null | grep -qw "^$NS"; then
        echo "reproduce-table-full: could not delete the namespace $NS: ip netns del $NS" >&2
        ((rc != 0)) || rc=1
    fi
    if ! put_back_tunables; then
        ((rc != 0)) || rc=1
    fi
    if [[ -n $TMP ]]; then rm -rf "$TMP"; TMP=""; fi
    exit "$rc"
}
on_signal() { # NAME CODE
    trap '' INT TERM
    printf '\nreproduce-table-full: interrupted by SIG%s: stopping and cleaning up\n' "$1" >&2
    exit "$2"
}

# --- the steps (run in a child process) ----------------------------------------------------------------
reproduce() {
    local FAILURES=() t HOLD_PID RESTORE_PID
    # whatever the steps started in the background ends with them
    trap 'kill -TERM ${HOLD_PID:-} ${RESTORE_PID:-} 2>/dev/null || true' EXIT
    # an expectation not met that does not stop the run: reported, and the exit code is 1 at the end
    expected() { printf '[%6ss] NOT AS EXPECTED: %s\n' "$(elapsed)" "$*" >&2; FAILURES+=("$*"); }
    declare -A TIMING=()

    step "2. Create the namespace $NS"
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip netns exec "$NS" "$NFT" add table inet ctg
    ip netns exec "$NS" "$NFT" add chain inet ctg in '{ type filter hook input priority 0; }'
    ip netns exec "$NS" "$NFT" add rule inet ctg in ct state new,established accept
    ip netns exec "$NS" bash -c "
        for n in ${NS_TIMEOUTS[*]}; do echo 1 > $SYSCTL/\$n; done
        echo 65535 > /proc/sys/net/core/somaxconn"
    NS_INODE=$(stat -L -c %i "/run/netns/$NS")
    say "lo up; nft: table inet ctg, chain in (hook input), rule 'ct state new,established accept'"
    say "its own TCP timeouts (per namespace): ${NS_TIMEOUTS[*]#nf_conntrack_tcp_timeout_} = 1 s"
    say "its somaxconn = 65535, so the listener itself never drops a SYN"
    say "its table: $(ns_count) entries, drop counter $(ns_drops); the kernel knows it as netns $NS_INODE"

    step "3. Lower the global nf_conntrack_max: ${ORIG[nf_conntrack_max]} -> $LOW_MAX"
    echo "$LOW_MAX" >"$SYSCTL/nf_conntrack_max"
    say "nf_conntrack_max = $(<"$SYSCTL/nf_conntrack_max"); initial namespace still holds $(<"$SYSCTL/nf_conntrack_count") entries"

    step "4. Open $FLOWS TCP connections to 127.0.0.1:7001 inside $NS (max $LOW_MAX + $EXTRA)"
    local drops_before_fill drops_after_fill fill_count held
    drops_before_fill=$(ns_drops)
    t=$(date +%s%N)
    loadgen --count "$FLOWS" --port 7001 --connect-window 3 \
        --report "$TMP/hold.json" --release "$TMP/release" --hold-max 90 &
    HOLD_PID=$!
    echo "$HOLD_PID" >"$TMP/hold.pid"
    wait_for_file "$TMP/hold.json" 30 "$HOLD_PID" || fail "the load generator did not report within 30 s"
    TIMING[fill]=$(ms_since "$t")
    fill_count=$(ns_count)
    drops_after_fill=$(ns_drops)
    held=$(json "$TMP/hold.json" 'd["established"]')
    say "established and held: $held; not established: $(json "$TMP/hold.json" 'd["failed"]') $(json "$TMP/hold.json" 'd["failed_by_reason"]')"
    say "namespace table: $fill_count of $LOW_MAX entries"
    say "namespace drop counter: $drops_before_fill -> $drops_after_fill (every dropped SYN, retransmissions included)"
    ((drops_after_fill > drops_before_fill)) || fail "the drop counter did not rise ($drops_before_fill -> $drops_after_fill)"
    ((fill_count >= LOW_MAX * 9 / 10)) || fail "the namespace's table holds only $fill_count entries, less than 90 % of $LOW_MAX"
    ((held < FLOWS)) || fail "all $FLOWS connections were established: nothing was dropped"

    step "5. The kernel log (dmesg): table-full lines stamped after [$LOG_START]"
    local log_lines="" log_new cost attempt
    cost=$(</proc/sys/net/core/message_cost)
    for attempt in 1 2 3; do
        log_lines=$(new_log_lines)
        [[ -z $log_lines ]] || break
        ((attempt < 3)) || break
        # net_ratelimit: a burst of messages per message_cost seconds, shared by all of the network stack
        say "none yet: the kernel rate-limits the message (net.core.message_cost = $cost s);"
        say "waiting $cost s, then provoking more drops (5 connections to 127.0.0.1:7003, 1.5 s)"
        sleep "$cost"
        loadgen --count 5 --port 7003 --connect-window 1.5 --report "$TMP/probe$attempt.json" >/dev/null ||
            fail "the load generator failed on the probe"
    done
    [[ -n $log_lines ]] || fail "no new 'table full ... dropping packet' line in dmesg after [$LOG_START]"
    log_new=$(wc -l <<<"$log_lines")
    say "$log_new new line(s) (the kernel rate-limits them: the drop counter is the real figure); latest:"
    say "  $(tail -n1 <<<"$log_lines")"
    say "  $(dmesg --time-format iso | grep -E "$TABLE_FULL_RE" | tail -n1)"
    say "  (netns $NS_INODE is $NS)"

    step "6. ctguard check --json, inside $NS"
    local check_rc=0 codes code
    t=$(date +%s%N)
    # each check its own counter baseline in $TMP: the drops are judged since boot, and nothing is left in /var/lib
    ctguard_ns check --counter-cache "$TMP/counters-text.json" >"$TMP/check.txt" || true
    ctguard_ns check --counter-cache "$TMP/counters-json.json" --json >"$TMP/check.json" || check_rc=$?
    TIMING[check]=$(ms_since "$t")
    say "verdict line: $(head -n1 "$TMP/check.txt")"
    json "$TMP/check.json" '"\n".join("%-9s %-15s %s" % (r["status"], r["code"], r["message"]) for r in d["verdict"]["reasons"])' |
        while IFS= read -r line; do say "  $line"; done
    say "kernel_log: $(json "$TMP/check.json" 'd["kernel_log"]')"
    # judged in full before failing; the later steps do not depend on it, so they still run
    codes=" $(json "$TMP/check.json" '" ".join(r["code"] for r in d["verdict"]["reasons"])') "
    ((check_rc == 2)) || expected "ctguard check exited $check_rc, expected 2 (CRITICAL)"
    [[ $(json "$TMP/check.json" 'd["verdict"]["status"]') == CRITICAL ]] || expected "check's verdict is not CRITICAL"
    for code in fill table_full_log drops; do
        [[ $codes == *" $code "* ]] || expected "check's reasons lack '$code' (they are:$codes)"
    done
    if [[ $codes != *" table_full_log "* ]] && grep -q 'in netns' <<<"$log_lines"; then
        expected "ctguard did not count the kernel's namespaced message ('table full in netns $NS_INODE, dropping packet') as a table-full line (kernel_log.matches $(json "$TMP/check.json" 'd["kernel_log"]["matches"]'))"
    fi
    ((${#FAILURES[@]})) || say "exit 2 (CRITICAL) with reasons fill, table_full_log and drops: as expected"
    if grep -q 'in netns' <<<"$log_lines"; then
        # seen from the initial namespace, the kernel's line is attributed to the namespace by its name
        local where
        ctguard check --counter-cache "$TMP/counters-host.json" --json >"$TMP/check-host.json" || true
        where=$(json "$TMP/check-host.json" '" ".join(r["message"] for r in d["verdict"]["reasons"] if r["code"] == "table_full_log")')
        if [[ $where == *"$NS (net:[$NS_INODE])"* ]]; then
            say "check in the initial namespace names where the table was full: ${where##*; in }"
        else
            expected "check in the initial namespace does not name $NS (net:[$NS_INODE]) as where the table was full: $where"
        fi
    fi

    step "7. ctguard prepare (initial namespace, --state-dir $TMP/state)"
    local prepare_rc=0 raised_max
    t=$(date +%s%N)
    ctguard prepare --state-dir "$TMP/state" --json >"$TMP/prepare.json" || prepare_rc=$?
    TIMING[prepare]=$(ms_since "$t")
    ((prepare_rc == 0)) || fail "ctguard prepare exited $prepare_rc: $(json "$TMP/prepare.json" 'd.get("error")' 2>/dev/null)"
    json "$TMP/prepare.json" '"\n".join("%s: %s -> %s (%s)" % (i["tunable"], i["current"], i["target"], i["reason"]) for i in d["plan"]["items"])' |
        while IFS= read -r line; do say "  $line"; done
    raised_max=$(<"$SYSCTL/nf_conntrack_max")
    ((raised_max > LOW_MAX)) || fail "prepare left nf_conntrack_max at $raised_max"
    say "nf_conntrack_max = $raised_max; snapshot of the originals (max $LOW_MAX) in $TMP/state"

    step "8. The same $FLOWS new connections again (127.0.0.1:7002), the first $held still held"
    local drops_before_retry drops_after_retry retried
    drops_before_retry=$(ns_drops)
    t=$(date +%s%N)
    loadgen --count "$FLOWS" --port 7002 --connect-window 10 --report "$TMP/retry.json" ||
        fail "the load generator failed on the retry"
    TIMING[retry]=$(ms_since "$t")
    drops_after_retry=$(ns_drops)
    retried=$(json "$TMP/retry.json" 'd["established"]')
    say "established: $retried of $FLOWS in $(json "$TMP/retry.json" 'd["connect_seconds"]') s (then closed with RST)"
    say "namespace drop counter: $drops_before_retry -> $drops_after_retry"
    ((retried == FLOWS)) || fail "only $retried of $FLOWS connections were established after prepare"
    ((drops_after_retry == drops_before_retry)) || fail "the drop counter still rose after prepare ($drops_before_retry -> $drops_after_retry)"

    step "9. ctguard restore --wait 2m --interval 1s, while the table still holds more than $ALLOWED"
    local before_restore restore_rc=0 restored_max n
    before_restore=$(ns_count)
    say "namespace table: $before_restore entries; the original max $LOW_MAX allows $ALLOWED with restore's 10 % margin"
    ((before_restore > ALLOWED)) || fail "the table already drained ($before_restore entries): restore would not have to wait"
    t=$(date +%s%N)
    ctguard restore --state-dir "$TMP/state" --wait 2m --interval 1s --json >"$TMP/restore.json" &
    RESTORE_PID=$!
    echo "$RESTORE_PID" >"$TMP/restore.pid"
    sleep 3
    if ! kill -0 "$RESTORE_PID" 2>/dev/null; then
        wait "$RESTORE_PID" || restore_rc=$?
        RESTORE_PID=""
        fail "restore did not wait: it exited $restore_rc while the table held $(ns_count) entries"
    fi
    say "restore is waiting ($(($(ms_since "$t") / 1000)) s so far); max is still $(<"$SYSCTL/nf_conntrack_max")"
    say "closing the $held held connections with RST (the namespace's close timeout is 1 s)"
    touch "$TMP/release"
    wait "$HOLD_PID" || fail "the load generator failed while closing"
    HOLD_PID=""
    if [[ -e /proc/net/nf_conntrack ]]; then
        # an expired entry stays counted until the garbage collector's next pass (up to a minute away);
        # a walk of the table, as `conntrack -L` or reading /proc/net/nf_conntrack, reaps it at once
        say "listing the namespace's /proc/net/nf_conntrack every second: it reaps the expired entries"
    fi
    while kill -0 "$RESTORE_PID" 2>/dev/null; do
        if [[ -e /proc/net/nf_conntrack ]]; then ip netns exec "$NS" cat /proc/net/nf_conntrack >/dev/null || true; fi
        say "  namespace table: $(ns_count) entries; max $(<"$SYSCTL/nf_conntrack_max")"
        sleep 1
    done
    wait "$RESTORE_PID" || restore_rc=$?
    RESTORE_PID=""
    TIMING[restore]=$(ms_since "$t")
    ((restore_rc == 0)) || fail "ctguard restore exited $restore_rc: $(json "$TMP/restore.json" 'd.get("error")' 2>/dev/null)"
    restored_max=$(<"$SYSCTL/nf_conntrack_max")
    say "restore exited 0 after $(secs "${TIMING[restore]}"), having waited for the drain (polling every 1 s):"
    json "$TMP/restore.json" '"\n".join("%s: %s -> %s" % (n, d["tunables"][n]["before"], d["tunables"][n]["after"]) for n in ("nf_conntrack_tcp_timeout_time_wait", "nf_conntrack_max", "nf_conntrack_buckets"))' |
        while IFS= read -r line; do say "  $line"; done
    ((TIMING[restore] >= 3000)) || fail "restore returned within 3 s: it did not wait"
    ((restored_max == LOW_MAX)) || fail "after restore nf_conntrack_max is $restored_max, not the original $LOW_MAX"
    [[ ! -e $TMP/state/snapshot.json ]] || fail "restore left the snapshot $TMP/state/snapshot.json"
    for n in nf_conntrack_buckets nf_conntrack_tcp_timeout_time_wait; do
        same_bytes "$TMP/saved.$n" "$SYSCTL/$n" || fail "after restore $n is $(<"$SYSCTL/$n"), not ${ORIG[$n]}"
    done

    step "10. Put everything back"
    remove_namespace
    put_back_tunables || fail "the tunables are not back as they were"
    for n in "${SAVED_NAMES[@]}"; do say "$n = $(<"$SYSCTL/$n") (byte-identical to the saved value)"; done
    if ip netns list | grep -qw "^$NS"; then fail "the namespace $NS is still there"; fi
    say "namespace $NS deleted"

    step "Summary"
    say "table full: $fill_count of $LOW_MAX entries, drop counter +$((drops_after_fill - drops_before_fill)), $log_new new kernel log line(s)"
    say "check: $(json "$TMP/check.json" 'd["verdict"]["status"]') (exit $check_rc, reasons:$codes)"
    say "prepare raised max to $raised_max; then $retried of $FLOWS new flows, drop counter unchanged ($drops_after_retry)"
    say "restore waited $(secs "${TIMING[restore]}") for the drain and put max back to $LOW_MAX; every tunable back as it was"
    say "timings: fill $(secs "${TIMING[fill]}"), check $(secs "${TIMING[check]}") (2 runs), prepare $(secs "${TIMING[prepare]}"), retry $(secs "${TIMING[retry]}"), restore $(secs "${TIMING[restore]}")"
    if ((${#FAILURES[@]})); then
        printf '\n[%6ss] FAIL: %d expectation(s) not met:\n' "$(elapsed)" "${#FAILURES[@]}" >&2
        printf '           - %s\n' "${FAILURES[@]}" >&2
        exit 1
    fi
    printf '\n[%6ss] OK: everything observed as expected\n' "$(elapsed)"
}

# --- preconditions: nothing is changed before they all hold ----------------------------------------------
((EUID == 0)) || refuse "must run as root (it changes nf_conntrack_max and creates a network namespace)"
for tool in ip python3 java dmesg cmp ps stat; do
    command -v "$tool" >/dev/null || refuse "'$tool' is not installed"
done
[[ -x $NFT ]] || refuse "$NFT is missing (apt-get install nftables)"
[[ -f $LOADGEN ]] || refuse "the load generator $LOADGEN is missing"
[[ -f $SYSCTL/nf_conntrack_max ]] || refuse "nf_conntrack is not loaded (modprobe nf_conntrack)"
[[ -f /proc/net/stat/nf_conntrack ]] || refuse "/proc/net/stat/nf_conntrack is absent (kernel without CONFIG_NF_CONNTRACK_PROCFS)"
dmesg >/dev/null 2>&1 || refuse "cannot read the kernel log with dmesg"
fds=$(ulimit -Hn)
[[ $fds == unlimited ]] || ((fds >= 2 * FLOWS + 64)) ||
    refuse "$FLOWS connections need $((2 * FLOWS + 64)) file descriptors; the hard limit is $fds (ulimit -Hn)"
if [[ ! -f $JAR ]]; then
    echo "building $JAR (mvn -q -B package -DskipTests)"
    (cd "$ROOT" && mvn -q -B package -DskipTests) || refuse "could not build $JAR"
fi

echo "Reproducing 'nf_conntrack: table full, dropping packet' in network namespace $NS"
echo "(kernel $(uname -r); $JAR; $(date '+%F %T %Z'))"

step "0. Preconditions"
orig_max=$(<"$SYSCTL/nf_conntrack_max")
init_count=$(<"$SYSCTL/nf_conntrack_count")
((orig_max > LOW_MAX)) || refuse "nf_conntrack_max is already $orig_max, at or below the $LOW_MAX this would lower it to"
((init_count <= LOW_MAX / 4)) ||
    refuse "the initial namespace holds $init_count entries, above a quarter of $LOW_MAX: lowering max would drop this machine's own flows"
status_json=$(ctguard status --json) || refuse "ctguard status failed: $status_json"
read -r fullest_count fullest_ns < <(python3 -c 'import json, sys; u = json.loads(sys.argv[1])["usage"]; print(u["fullest_count"], u["fullest_namespace"] or "initial")' "$status_json")
((fullest_count <= LOW_MAX / 4)) ||
    refuse "network namespace $fullest_ns holds $fullest_count entries, above a quarter of $LOW_MAX: lowering the global max would drop its flows"
say "initial namespace: $init_count entries; fullest namespace ($fullest_ns): $fullest_count; at most $((LOW_MAX / 4)) (a quarter of $LOW_MAX) allowed"
LOG_START=$(dmesg | log_stamp)
LOG_START=${LOG_START:-0}
say "kernel log: its last line is stamped [$LOG_START]; table-full lines stamped later are new"

trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap cleanup EXIT
TMP=$(mktemp -d /tmp/ctg-repro.XXXXXX)

step "1. Save the initial namespace's tunables (exact bytes)"
for n in "${SAVED_NAMES[@]}"; do
    cat "$SYSCTL/$n" >"$TMP/saved.$n"
    ORIG[$n]=$(<"$TMP/saved.$n")
    say "$n = ${ORIG[$n]}"
done
SAVED=1

reproduce &
MAIN_PID=$!
rc=0
wait "$MAIN_PID" || rc=$?
MAIN_PID=""
exit "$rc"
