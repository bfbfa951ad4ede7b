#!/usr/bin/env bash
# Regenerates tests/module/fixtures/ from the real agent run against copies of the kernel fixture trees
# (java-agent/src/test/resources/fixtures/<name>/) through --root. It never reads or writes the real
# /proc/sys or /etc: every run gets --root pointing at a temporary copy, the site config file is an
# empty temporary file (CTGUARD_CONFIG) and check reads an empty kernel-log file instead of dmesg.
# The one exception is error-rollback-prepare-65, run inside a throw-away network namespace
# (unshare -n, root only; see fixtures/README.md); it is skipped, keeping the old files, when that fails.
#
# Output per case NAME: fixtures/NAME.json (the agent's stdout, verbatim; absent when empty),
# fixtures/NAME.stderr (when not empty) and a line "NAME<TAB>rc<TAB>args" in fixtures/cases.tsv.
# The temporary root is written as /tmp/ROOT in all of them.
#
# Usage: tests/module/record-fixtures.sh   (needs the built jar: mvn -q -B package -DskipTests)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JAR=${CTGUARD_JAR:-$REPO/java-agent/target/ctguard.jar}
JAVA=${JAVA:-java}
TREES=$REPO/java-agent/src/test/resources/fixtures
OUT=$HERE/fixtures
STATE=/var/lib/conntrack-guard   # logical path: the agent puts it under --root

[ -f "$JAR" ] || { echo "no $JAR: build it with 'mvn -q -B package -DskipTests'" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctguard-record.XXXXXX")
HOLDER=
cleanup() {
    if [ -n "$HOLDER" ]; then kill "$HOLDER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export CTGUARD_CONFIG=$WORK/ctguard.yml NO_COLOR=1
: >"$CTGUARD_CONFIG"
KLOG=$WORK/kernel.log   # an empty, ISO-timestamped kernel log: no table-full lines
: >"$KLOG"

mkdir -p "$OUT"
: >"$OUT/cases.tsv.new"

# tree NAME SOURCE: a fresh copy of a fixture tree with the modes git cannot store (see its README)
tree() {
    local dst=$WORK/$1 nf
    cp -a "$TREES/$2" "$dst"
    nf=$dst/proc/sys/net/netfilter
    case $2 in
        linux-6.18) chmod 0444 "$nf/nf_conntrack_count" ;;
        linux-4.15|linux-4.4-seed) chmod 0444 "$nf/nf_conntrack_count" "$nf/nf_conntrack_buckets" ;;
        linux-noprocfs) chmod 0444 "$nf"/nf_conntrack_{count,max,buckets,expect_max} ;;
    esac
}

# set_value TREE FILE VALUE: edit a read-only fixture file (as root the mode would not stop us anyway)
set_value() {
    local f=$WORK/$1/$2 mode
    mode=$(stat -c %a "$f")
    chmod u+w "$f"
    echo "$3" >"$f"
    chmod "$mode" "$f"
}

WRAP=()
# rec NAME EXPECTED_RC TREE ARGS...: run the agent, keep its stdout/stderr, check the exit code
rec() {
    local name=$1 want=$2 root=$WORK/$3 rc=0
    shift 3
    "${WRAP[@]}" "$JAVA" -jar "$JAR" "$@" --root "$root" >"$OUT/$name.json" 2>"$OUT/$name.stderr" || rc=$?
    if [ "$rc" != "$want" ]; then
        echo "$name: expected exit code $want, got $rc" >&2
        cat "$OUT/$name.json" "$OUT/$name.stderr" >&2
        exit 1
    fi
    printf '%s\t%s\t%s\n' "$name" "$rc" "$* --root $root" >>"$OUT/cases.tsv.new"
    sed -i "s#$WORK#/tmp/ROOT#g" "$OUT/$name.json" "$OUT/$name.stderr" "$OUT/cases.tsv.new"
    [ -s "$OUT/$name.json" ] || rm -f "$OUT/$name.json"
    [ -s "$OUT/$name.stderr" ] || rm -f "$OUT/$name.stderr"
    echo "recorded $name (exit code $rc)"
}

unchanged_since() {   # unchanged_since TREE STAMP: fail when anything under TREE changed after STAMP
    if [ -n "$(find "$WORK/$1" -newer "$2" -print -quit)" ]; then
        echo "a dry run changed $WORK/$1" >&2
        find "$WORK/$1" -newer "$2" >&2
        exit 1
    fi
}

# --- 6.18, the node's own kernel: 1000 of 262144 entries, drop counters above zero ---------------
tree a linux-6.18
rec status 0 a status --json
rec check-warning 1 a check --json --kernel-log "$KLOG" --state-dir $STATE
rec plan 0 a plan --json
touch "$WORK/stamp"; sleep 1
rec prepare-dry-run 0 a prepare --json --dry-run --lock-timeout 30s --state-dir $STATE
unchanged_since a "$WORK/stamp"
rec prepare-changed 0 a prepare --json --lock-timeout 30s --state-dir $STATE
rec prepare-unchanged 0 a prepare --json --lock-timeout 30s --state-dir $STATE
rec restore-dry-run 0 a restore --json --dry-run --lock-timeout 30s --state-dir $STATE
rec restore-changed 0 a restore --json --wait 10m --lock-timeout 30s --state-dir $STATE
rec restore-nothing 0 a restore --json --lock-timeout 30s --state-dir $STATE
rec error-usage-64 64 a prepare --json --max 0 --lock-timeout 30s --state-dir $STATE
rec error-usage-unknown-option-64 64 a prepare --json --no-such-flag --state-dir $STATE
rec error-over-budget-65 65 a prepare --json --max 1073741824 --lock-timeout 30s --state-dir $STATE
"$JAVA" -jar "$JAR" prepare --json --state-dir $STATE --root "$WORK/a" >/dev/null
rec persist-dry-run 0 a persist --json --dry-run --lock-timeout 30s --state-dir $STATE
rec persist-create 0 a persist --json --lock-timeout 30s --state-dir $STATE
rec persist-unchanged 0 a persist --json --lock-timeout 30s --state-dir $STATE
rec persist-remove-dry-run 0 a persist --json --remove --dry-run --lock-timeout 30s --state-dir $STATE
rec persist-remove 0 a persist --json --remove --lock-timeout 30s --state-dir $STATE

# lock busy: another process holds the agent's fcntl lock, the node's /run/conntrack-guard/lock
mkdir -p "$WORK/a/run/conntrack-guard"
python3 - "$WORK/a/run/conntrack-guard/lock" "$WORK/locked" <<'EOF' &
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)
EOF
HOLDER=$!
for _ in $(seq 100); do [ -e "$WORK/locked" ] && break; sleep 0.1; done
rec error-lock-busy-75 75 a prepare --json --lock-timeout 1s --state-dir $STATE
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null || true; HOLDER=

# --- verdicts: OK (counters zero), CRITICAL (239000 of 262144 entries) -------------------------------
tree ok linux-6.18
cat >"$WORK/ok/proc/net/stat/nf_conntrack" <<'EOF'
entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
000003e8  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
000003e8  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
EOF
rec check-ok 0 ok check --json --kernel-log "$KLOG" --state-dir $STATE
tree crit linux-6.18
set_value crit proc/sys/net/netfilter/nf_conntrack_count 239000
rec check-critical 2 crit check --json --kernel-log "$KLOG" --state-dir $STATE

# --- top: an entry list in the tree's /proc --------------------------------------------------------------------
tree top linux-6.18
cat >"$WORK/top/proc/net/nf_conntrack" <<'LIST'
ipv4     2 udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=33000 dport=4789 src=10.0.0.2 dst=10.0.0.1 sport=4789 dport=33000 mark=0 zone=0 use=2
ipv4     2 tcp      6 119 TIME_WAIT src=10.1.0.1 dst=10.2.0.2 sport=40000 dport=80 src=10.2.0.2 dst=10.1.0.1 sport=80 dport=40000 [ASSURED] mark=0 zone=0 use=2
ipv6     10 udp      17 29 src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=54203 dport=53 [UNREPLIED] src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=53 dport=54203 mark=0 zone=3 use=2
LIST
rec top 0 top top --json

# --- errors --------------------------------------------------------------------------------------------
tree corrupt linux-6.18
mkdir -p "$WORK/corrupt$STATE"
printf '{"schema":"ctguard/v1","taken_at":' >"$WORK/corrupt$STATE/snapshot.json"
rec error-corrupt-snapshot-65 65 corrupt restore --json --lock-timeout 30s --state-dir $STATE

tree unloaded linux-6.18
rm -rf "$WORK/unloaded/proc/sys/net/netfilter" "$WORK/unloaded/sys/module/nf_conntrack"
rec error-not-loaded-69 69 unloaded status --json
rec error-check-not-loaded-3 3 unloaded check --json --kernel-log "$KLOG" --state-dir $STATE

tree drain linux-6.18
"$JAVA" -jar "$JAR" prepare --json --state-dir $STATE --root "$WORK/drain" >/dev/null
set_value drain proc/sys/net/netfilter/nf_conntrack_count 250000
rec error-not-drained-75 75 drain restore --json --lock-timeout 30s --state-dir $STATE

# drift: max changed by hand after prepare; restore refuses with the three values
tree drift linux-6.18
"$JAVA" -jar "$JAR" prepare --json --root "$WORK/drift" --state-dir $STATE >/dev/null
echo 2097152 >"$WORK/drift/proc/sys/net/netfilter/nf_conntrack_max"
rec error-drift-65 65 drift restore --json --lock-timeout 30s --state-dir $STATE

tree pod linux-noprocfs
rec error-permission-77 77 pod prepare --json --lock-timeout 30s --state-dir $STATE
rec prepare-partial 0 pod prepare --json --allow-partial --lock-timeout 30s --state-dir $STATE

# persist rollback: the sysctl.d file is a symlink, so the third write fails (73) after the first
# (modules-load.d) was made, and persist puts that one back
tree symlink linux-6.18
mkdir -p "$WORK/symlink/etc/sysctl.d"
ln -s /nonexistent "$WORK/symlink/etc/sysctl.d/90-conntrack-guard.conf"
rec error-rollback-persist-73 73 symlink persist --json --lock-timeout 30s --state-dir $STATE

# --- 4.15: buckets only through hashsize, so persist writes modprobe.d too ------------------------------
tree bionic linux-4.15
"$JAVA" -jar "$JAR" prepare --json --state-dir $STATE --root "$WORK/bionic" >/dev/null
rec persist-create-4.15 0 bionic persist --json --lock-timeout 30s --state-dir $STATE

# --- 4.4 seed node: max 12262144 over 16384 buckets on 64 GiB, over the budget --------------------------
tree seed linux-4.4-seed
rec check-over-budget 1 seed check --json --kernel-log "$KLOG" --state-dir $STATE
rec plan-seed 0 seed plan --json
touch "$WORK/stamp"; sleep 1
rec tune-dry-run 0 seed tune --json --dry-run --lock-timeout 30s --state-dir $STATE
unchanged_since seed "$WORK/stamp"
rec tune-changed 0 seed tune --json --lock-timeout 30s --state-dir $STATE
# on 4.x the kernel mirrors hashsize into the read-only nf_conntrack_buckets; the copy does not
set_value seed proc/sys/net/netfilter/nf_conntrack_buckets "$(cat "$WORK/seed/sys/module/nf_conntrack/parameters/hashsize")"
rec tune-unchanged 0 seed tune --json --lock-timeout 30s --state-dir $STATE
rec restore-tuned 0 seed restore --json --wait 10m --lock-timeout 30s --state-dir $STATE
tree seedp linux-4.4-seed
touch "$WORK/stamp"; sleep 1
rec tune-persist-dry-run 0 seedp tune --json --persist --dry-run --lock-timeout 30s --state-dir $STATE
unchanged_since seedp "$WORK/stamp"
rec tune-persist 0 seedp tune --json --persist --lock-timeout 30s --state-dir $STATE

# --- check: max 0 (no limit: nullable fields), counters compared with the previous check -------------------
tree unlimited linux-6.18
set_value unlimited proc/sys/net/netfilter/nf_conntrack_max 0
rec check-unlimited 1 unlimited check --json --kernel-log "$KLOG" --state-dir $STATE
# a first check keeps the counters in CACHE (matched to the next check by the tree's boot_id and netns)
tree rose linux-6.18
CACHE=/var/tmp/ctguard-counters.json   # logical path: under --root, as the state dir
"$JAVA" -jar "$JAR" check --json --kernel-log "$KLOG" --counter-cache $CACHE --state-dir $STATE --root "$WORK/rose" \
    >/dev/null || true
# then 16 more drops on CPU 0 (0x1a -> 0x2a), the other counters unchanged
cat >"$WORK/rose/proc/net/stat/nf_conntrack" <<'EOF'
entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
000003e8  00000005 00000000 00000000 0000002a 00000000 00000000 00000003 00000000 00000001 0000002a 00000003 00000007  00000000 00000000 00000000 00000010
000003e8  00000000 00000000 00000000 00000011 00000000 00000000 00000002 00000000 00000002 0000000f 00000000 00000000  00000000 00000000 00000000 000000ff
EOF
rec check-counters-rose 1 rose check --json --kernel-log "$KLOG" --counter-cache $CACHE --state-dir $STATE

# --- prepare rollback (see fixtures/README.md) ----------------------------------------------------------
# In the copy, nf_conntrack_max is a symlink to /proc/sys/net/ipv4/tcp_ecn, which the kernel reads as 2 and
# refuses 1048576 for (EINVAL, range 0..2). Buckets (set to 16384 in the copy) are written first, then the
# write of max fails and the agent rolls buckets back. Run in a new network namespace, whose tcp_ecn is its
# own, so the real one is never written even if the kernel accepted the value.
tree rollback linux-6.18
set_value rollback proc/sys/net/netfilter/nf_conntrack_buckets 16384
set_value rollback sys/module/nf_conntrack/parameters/hashsize 16384
rm "$WORK/rollback/proc/sys/net/netfilter/nf_conntrack_max"
ln -s /proc/sys/net/ipv4/tcp_ecn "$WORK/rollback/proc/sys/net/netfilter/nf_conntrack_max"
if unshare -n true 2>/dev/null; then
    WRAP=(unshare -n)
    rec error-rollback-prepare-65 65 rollback prepare --json --lock-timeout 30s --state-dir $STATE
    WRAP=()
else
    echo "skipped error-rollback-prepare-65: 'unshare -n' needs root; kept the old recording" >&2
    grep '^error-rollback-prepare-65	' "$OUT/cases.tsv" >>"$OUT/cases.tsv.new" 2>/dev/null || true
fi

mv "$OUT/cases.tsv.new" "$OUT/cases.tsv"
echo "fixtures written to $OUT"
