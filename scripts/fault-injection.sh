#!/usr/bin/env bash
# Fault injection on the real kernel: prepare, tune and restore killed (SIGKILL) at each of their writes,
# and each write failed with an injected error, timed by strace on the syscall itself, never by sleep.
# After every case a rerun and a restore must leave every tunable byte-identical to the original, no
# stray files in the state dir or the node dir, and the node's lock free. Prints a table; exits 1 when a
# case does not end as it must. Run as root, under scripts/with-saved-tunables.sh (make test does).
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "$0")/.." && pwd)
JAR=${CTGUARD_JAR:-$ROOT_DIR/java-agent/target/ctguard.jar}
NETFILTER=/proc/sys/net/netfilter
NAMES=(nf_conntrack_buckets nf_conntrack_max nf_conntrack_tcp_timeout_time_wait)
NODE_DIR=/run/conntrack-guard

usage() {
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    echo "usage: $0 [--help]   (root; needs strace, python3, java 17 and $JAR)"
}
case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 64 ;;
esac
[[ $(id -u) == 0 ]] || { echo "fault-injection: needs root (it writes the real conntrack tunables)" >&2; exit 77; }
command -v strace >/dev/null || { echo "fault-injection: strace is not installed (apt-get install strace)" >&2; exit 69; }
[[ -f $JAR ]] || { echo "fault-injection: no $JAR: build it with 'make build'" >&2; exit 69; }
[[ -w $NETFILTER/nf_conntrack_max ]] || { echo "fault-injection: $NETFILTER is not writable here (nf_conntrack loaded? initial network namespace?)" >&2; exit 77; }

declare -A ORIGINAL
for n in "${NAMES[@]}"; do ORIGINAL[$n]=$(cat "$NETFILTER/$n"); done
WORK=$(mktemp -d /tmp/ctguard-faults.XXXXXX)
STATE=$WORK/state
put_back() {
    for n in "${NAMES[@]}"; do
        [[ $(cat "$NETFILTER/$n") == "${ORIGINAL[$n]}" ]] || echo "${ORIGINAL[$n]}" >"$NETFILTER/$n"
    done
    rm -rf "$WORK"
}
trap put_back EXIT

JAVA_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto)
ctguard() { timeout 120 java "${JAVA_OPTS[@]}" -jar "$JAR" "$@" --state-dir "$STATE" --lock-timeout 10s; }
# bucket writes rehash the whole table: one above today's so prepare writes all three tunables
BUCKETS=$(( ${ORIGINAL[nf_conntrack_buckets]} * 2 ))
PREPARE=(prepare --json --buckets "$BUCKETS")
# tune after raising max by hand to four times its balanced value, so tune lowers it
BALANCED=$(java -jar "$JAR" plan --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tune_plan"]["targets"]["nf_conntrack_max"])')

FAILED=0
ROWS=()
row() { ROWS+=("$(printf '%-8s %-50s %-5s %s' "$1" "$2" "$3" "$4")"); }

# Runs ctguard ARGS under strace, failing the Nth syscall SYSCALL on PATH with FAULT (signal=KILL or error=EIO).
injected() {
    local path=$1 syscall=$2 fault=$3
    shift 3
    timeout 180 strace -f -qq -o /dev/null -P "$path" -e trace="$syscall" -e inject="$syscall:$fault" \
        java "${JAVA_OPTS[@]}" -jar "$JAR" "$@" --state-dir "$STATE" --lock-timeout 10s >"$WORK/out.json" 2>"$WORK/err.txt"
}

originals_back() {
    local n
    for n in "${NAMES[@]}"; do
        [[ $(cat "$NETFILTER/$n") == "${ORIGINAL[$n]}" ]] || { echo "$n is $(cat "$NETFILTER/$n"), not ${ORIGINAL[$n]}"; return 1; }
    done
}

# No temp file, pointer or snapshot left behind, and the lock can be taken at once.
clean() {
    local stray
    # an empty guard.pid is what every guard leaves on purpose (docs/architecture.md, "ctguard guard"): only one
    # that names a pid would be a claim left behind
    stray=$(find "$STATE" "$NODE_DIR" -mindepth 1 ! -name lock ! -name 'snapshot.discarded-*' ! \( -name guard.pid -empty \) 2>/dev/null || true)
    [[ -z $stray ]] || { echo "stray: $(tr '\n' ' ' <<<"$stray")"; return 1; }
    python3 -c 'import fcntl,sys; fcntl.lockf(open(sys.argv[1],"a"), fcntl.LOCK_EX | fcntl.LOCK_NB)' "$NODE_DIR/lock" 2>/dev/null ||
        { echo "the lock $NODE_DIR/lock is still held"; return 1; }
}

# One case: set up, inject, then the rerun and a restore; the outcome column says how it ended.
case_() {
    local action=$1 what=$2 path=$3 syscall=$4 fault=$5 rerun=$6
    shift 6
    local rc=0 outcome
    rm -rf "$STATE"
    if [[ $action == restore || $action == tune-restore ]]; then
        ctguard "${PREPARE[@]}" >/dev/null
    fi
    if [[ $action == tune ]]; then
        echo $((BALANCED * 4)) >"$NETFILTER/nf_conntrack_max"
    fi
    # bash reports the SIGKILL on its stderr: the table below says it
    injected "$path" "$syscall" "$fault" "$@" 2>/dev/null || rc=$?
    local after_rc=0
    if [[ $rerun == rerun ]]; then
        ctguard "$@" >/dev/null 2>"$WORK/rerun.txt" || after_rc=$?
    fi
    ctguard restore --json --wait 1m --interval 1s >/dev/null 2>"$WORK/restore.txt" || after_rc=$?
    if [[ $action == tune ]]; then
        # tune's originals include the hand-raised max; put the real original back for the next case
        [[ $(cat "$NETFILTER/nf_conntrack_max") == $((BALANCED * 4)) ]] || { outcome="FAIL: restore did not bring back the hand-raised max"; }
        echo "${ORIGINAL[nf_conntrack_max]}" >"$NETFILTER/nf_conntrack_max"
    fi
    if [[ -z ${outcome:-} ]]; then
        if ((after_rc != 0)); then
            outcome="FAIL: rerun/restore exited $after_rc: $(head -c 300 "$WORK/rerun.txt" "$WORK/restore.txt" | tr '\n' ' ')"
        elif ! problem=$(originals_back); then
            outcome="FAIL: $problem"
        elif ! problem=$(clean); then
            outcome="FAIL: $problem"
        else
            outcome="ok: originals byte-identical, no stray files, lock free"
        fi
    fi
    [[ $outcome == ok* ]] || FAILED=1
    row "$action" "$what" "$rc" "$outcome"
}

for fault in signal=KILL error=EIO; do
    f=${fault#*=}
    for n in "${NAMES[@]}"; do
        case_ prepare "$f at write $n" "$NETFILTER/$n" write "$fault" rerun "${PREPARE[@]}"
    done
    case_ prepare "$f at linking the new snapshot" "$STATE/snapshot.json" link,linkat "$fault" rerun "${PREPARE[@]}"
    for n in nf_conntrack_max nf_conntrack_tcp_timeout_time_wait; do
        case_ tune "$f at write $n" "$NETFILTER/$n" write "$fault" rerun tune --json
    done
    for n in "${NAMES[@]}"; do
        case_ restore "$f at write $n" "$NETFILTER/$n" write "$fault" no restore --json
    done
    case_ restore "$f at removing the snapshot" "$STATE/snapshot.json" unlink,unlinkat "$fault" no restore --json
done

printf '%-8s %-50s %-5s %s\n' action case exit outcome
printf '%s\n' "${ROWS[@]}"
if ((FAILED)); then
    echo "fault-injection: some cases did not end with the originals back" >&2
    exit 1
fi
echo "fault-injection: ${#ROWS[@]} cases, every one ended with the originals back"
