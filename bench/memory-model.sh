#!/usr/bin/env bash
# Memory-model benchmark for ctguard (a benchmark, not a test: it prints figures and exits 0 even
# when the target is missed; it exits non-zero only when it cannot run). Needs root.
#
# Checks the sizing model (README, "Sizing model") (memory for N entries = hash table + N x E, E = nf_conntrack
# slab object size + 128 B when nf_conntrack_acct, _timestamp or _events is 1) against what the
# kernel really allocates. For every N and every variant it creates a network namespace
# ctg-mem-$$ (lo up, nft `ct state new,established accept` in an inet input chain, its own
# nf_conntrack_udp_timeout raised to 300 s), fills it with N UDP entries sent only to 127.0.0.1
# inside it, and compares the growth of /proc/slabinfo (nf_conntrack and kmalloc-* caches) with
# N x E. The hash table is global and does not grow with entries, so it is left out of the compare.
#
# Variants (per-namespace sysctls, set inside the test namespace only):
#   base  acct=0 timestamp=0 events=2 (the defaults here: no extension area)
#   acct  nf_conntrack_acct=1
#   all   acct=1 timestamp=1 events=1
# and, not run by default, cases the model cannot see in the sysctls it reads:
#   listen  events=2 (auto) with a ctnetlink event listener open in the namespace while filling
#   masq    defaults plus an nft `masquerade` rule on lo (ip nat postrouting) in the namespace, lo
#           given 192.0.2.1/32 (scope global) there so masquerade has a source address to pick
#
# Usage: bench/memory-model.sh [N ...]        default N: 50000 200000
#   CTG_MEM_VARIANTS="base acct all"   variants to run (also: listen masq)
#   CTG_MEM_FILL_SECONDS=20            time bound for one fill (it stops early, the table says so)
# On a shared kernel run it under the lock:  flock /tmp/ctguard-kernel.lock bench/memory-model.sh
# See bench/README.md for how to read the output.
set -euo pipefail
export LC_ALL=C

TARGET_PCT=10
EXT_BYTES=128          # EntrySize.EXTENSION_BYTES
MARGIN=1000            # entries of headroom over the largest N under nf_conntrack_max
UDP_TIMEOUT=300
VARIANTS=${CTG_MEM_VARIANTS:-base acct all}
FILL_SECONDS=${CTG_MEM_FILL_SECONDS:-20}
SYS=/proc/sys/net/netfilter

die() { echo "memory-model.sh: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

SIZES=()
for a in "$@"; do
    case $a in
        -h|--help) usage; exit 0 ;;
        *) [[ $a =~ ^[1-9][0-9]*$ ]] || { usage >&2; die "N must be a positive whole number, got '$a'"; }
           ((a <= 2000000)) || die "N above 2000000 is not supported (time bound)"
           SIZES+=("$a") ;;
    esac
done
((${#SIZES[@]})) || SIZES=(50000 200000)
for v in $VARIANTS; do [[ $v =~ ^(base|acct|all|listen|masq)$ ]] || die "unknown variant '$v' (base, acct, all, listen, masq)"; done
[[ $FILL_SECONDS =~ ^[1-9][0-9]*$ ]] || die "CTG_MEM_FILL_SECONDS must be a positive whole number"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/bench/memory_model.py

((EUID == 0)) || die "needs root (network namespaces, nft, /proc/slabinfo)"
for c in ip nft timeout flock; do command -v "$c" >/dev/null || die "$c not found"; done
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || die "python3 not found"
[[ -r $HELPER ]] || die "$HELPER missing"
[[ -r $SYS/nf_conntrack_max ]] || die "nf_conntrack is not loaded ($SYS/nf_conntrack_max missing)"
grep -q '^nf_conntrack ' /proc/slabinfo || die "no nf_conntrack cache in /proc/slabinfo"

NS=""
SAVED_MAX=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ctguard-memmodel.XXXXXX")

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $NS && -e /run/netns/$NS ]]; then
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
        if ip netns del "$NS" 2>/dev/null; then echo "cleanup: namespace $NS deleted"
        else echo "memory-model.sh: could not delete namespace $NS" >&2; fi
    fi
    if [[ -n $SAVED_MAX ]]; then
        if echo "$SAVED_MAX" >"$SYS/nf_conntrack_max"; then echo "cleanup: nf_conntrack_max restored to $SAVED_MAX"
        else echo "memory-model.sh: could not restore nf_conntrack_max=$SAVED_MAX" >&2; fi
    fi
    rm -rf -- "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

slab_field() { awk -v c="$1" -v f="$2" '$1 == c { print $f; exit }' /proc/slabinfo; }
ns_sysctl() { ip netns exec "$NS" cat "$SYS/nf_conntrack_$1"; }
ns_set() { ip netns exec "$NS" sh -c "echo $2 > $SYS/nf_conntrack_$1"; }
snap() { mkdir -p "$1"; cat /proc/slabinfo >"$1/slabinfo"; cat /proc/meminfo >"$1/meminfo"; }

# --- what the kernel and the model say before anything is touched --------------------------------
OBJSIZE=$(slab_field nf_conntrack 4)
SLAB_SIZE=$(cat /sys/kernel/slab/nf_conntrack/slab_size 2>/dev/null || echo "n/a")
OBJECT_SIZE=$(cat /sys/kernel/slab/nf_conntrack/object_size 2>/dev/null || echo "n/a")
PER_SLAB=$(slab_field nf_conntrack 5)
PAGES_PER_SLAB=$(slab_field nf_conntrack 6)
MAX=$(cat $SYS/nf_conntrack_max)
BUCKETS=$(cat $SYS/nf_conntrack_buckets)
HASH_BYTES=$(( (BUCKETS + 511) / 512 * 512 * 8 ))
START=$(date +%s)

echo "kernel $(uname -r), $(nproc) CPUs; init namespace: count $(cat $SYS/nf_conntrack_count), max $MAX, buckets $BUCKETS," \
     "acct $(cat $SYS/nf_conntrack_acct) timestamp $(cat $SYS/nf_conntrack_timestamp) events $(cat $SYS/nf_conntrack_events)"
echo "nf_conntrack slab: objsize $OBJSIZE B (slabinfo), slab_size $SLAB_SIZE B, object_size $OBJECT_SIZE B (/sys/kernel/slab)," \
     "$PER_SLAB objects per slab of $PAGES_PER_SLAB page(s) = $((PER_SLAB * OBJSIZE)) of $((PAGES_PER_SLAB * 4096)) B used"
if [[ $SLAB_SIZE == "$OBJSIZE" ]]; then
    echo "  slabinfo objsize = slab_size: the model's E is the per-object footprint (struct nf_conn $OBJECT_SIZE B + $((OBJSIZE - OBJECT_SIZE)) B alignment)"
else
    echo "  note: slabinfo objsize ($OBJSIZE) differs from slab_size ($SLAB_SIZE)"
fi
echo "hash table (global, fixed while filling): roundup($BUCKETS, 512) x 8 = $HASH_BYTES B"
echo "fill: 1-byte UDP datagrams to 127.0.0.1 ports 1024-65535 (one socket per 64512 ports, each from its own 127.0.0.x source) inside the namespace;" \
     "its nf_conntrack_udp_timeout = $UDP_TIMEOUT s; bound $FILL_SECONDS s per fill"

BIGGEST=$(printf '%s\n' "${SIZES[@]}" | sort -n | tail -1)
if ((MAX < BIGGEST + MARGIN)); then
    SAVED_MAX=$MAX
    echo $((BIGGEST + MARGIN)) >"$SYS/nf_conntrack_max" || die "cannot raise nf_conntrack_max"
    echo "nf_conntrack_max raised temporarily $MAX -> $((BIGGEST + MARGIN)) (restored on exit)"
fi
echo

# --- one measurement -------------------------------------------------------------------------------
make_ns() {
    NS=ctg-mem-$$
    ip netns add "$NS" || die "cannot create namespace $NS"
    ip netns exec "$NS" ip link set lo up
    ip netns exec "$NS" nft add table inet ctg
    ip netns exec "$NS" nft add chain inet ctg in '{ type filter hook input priority 0; }'
    ip netns exec "$NS" nft add rule inet ctg in ct state new,established accept
    ns_set udp_timeout "$UDP_TIMEOUT"
    [[ $(ns_sysctl udp_timeout) == "$UDP_TIMEOUT" ]] || die "cannot set nf_conntrack_udp_timeout in $NS"
}

drop_ns() {
    local floor=$1 limit=$(($(date +%s) + 30)) active
    ip netns del "$NS"
    NS=""
    # namespace teardown frees the entries asynchronously: wait so the next baseline is clean
    while :; do
        active=$(slab_field nf_conntrack 2)
        ((active <= floor)) && return 0
        (($(date +%s) >= limit)) && { echo "  (warning: nf_conntrack still $active objects 30 s after deleting the namespace)" >&2; return 0; }
        sleep 0.2
    done
}

settle() {  # until the namespace's count stops moving (at most 5 s), then 1 s more
    local prev=-1 cur i
    for ((i = 0; i < 20; i++)); do
        cur=$(ns_sysctl count)
        [[ $cur == "$prev" ]] && break
        prev=$cur
        sleep 0.25
    done
    sleep 1
}

measure() {  # N VARIANT -> one record in $TMP/rows
    local n=$1 v=$2 dir=$TMP/$1-$2 floor acct ts ev e fillout count listen=""
    floor=$(( $(slab_field nf_conntrack 2) + 1024 ))
    make_ns
    case $v in
        acct) ns_set acct 1 ;;
        all) ns_set acct 1; ns_set timestamp 1; ns_set events 1 ;;
        listen) listen=listen ;;
        masq) ip netns exec "$NS" ip addr add 192.0.2.1/32 dev lo
              ip netns exec "$NS" nft add table ip ctgnat
              ip netns exec "$NS" nft add chain ip ctgnat post '{ type nat hook postrouting priority 100; }'
              ip netns exec "$NS" nft add rule ip ctgnat post oifname lo masquerade ;;
    esac
    acct=$(ns_sysctl acct); ts=$(ns_sysctl timestamp); ev=$(ns_sysctl events)
    # the model, as ProcfsKernel.entrySize() computes it for this namespace's sysctls
    e=$OBJSIZE
    [[ $acct == 1 || $ts == 1 || $ev == 1 ]] && e=$((OBJSIZE + EXT_BYTES))
    sleep 0.5
    snap "$dir/before"
    fillout=$(ip netns exec "$NS" timeout $((FILL_SECONDS + 15)) "$PY" "$HELPER" fill "$n" "$FILL_SECONDS" $listen) \
        || die "fill of $n entries failed in $NS"
    settle
    count=$(ns_sysctl count)
    ((count > 0)) || die "no entries created in $NS ($v): $fillout"
    snap "$dir/after"
    local buckets_after; buckets_after=$(cat $SYS/nf_conntrack_buckets)
    [[ $buckets_after == "$BUCKETS" ]] || echo "  (warning: buckets changed $BUCKETS -> $buckets_after during the run)" >&2
    "$PY" "$HELPER" row "$v" "$n" "$count" "$e" "$dir/before" "$dir/after" \
        | awk -v f="a$acct/t$ts/e$ev" -v s="${fillout#sent }" 'BEGIN{FS=OFS="\t"} {print $0, f, s}' >>"$TMP/rows"
    drop_ns "$floor"
}

: >"$TMP/rows"
for n in "${SIZES[@]}"; do
    for v in $VARIANTS; do
        measure "$n" "$v"
    done
done

# --- report ----------------------------------------------------------------------------------------
# row fields: 1 variant 2 N 3 count 4 E 5 predicted 6 ct_obj 7 ct_alloc 8 ct_pages 9 km_obj 10 km_pages
# 11 measured 12 pages 13 err% 14 err%pages 15 B/entry 16 dSlab 17 dSUnreclaim 18 dMemAvail-used
# 19 top kmalloc 20 flags 21 "S seconds T"
mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
PASS=1
for n in "${SIZES[@]}"; do
    echo "N = $n"
    printf '%-6s %-12s %8s %5s %10s %10s %10s %10s %7s %7s %10s %7s\n' \
        variant "acct/ts/ev" entries "E B" "pred MiB" "ct MiB" "ext MiB" "meas MiB" "B/entry" "err %" "pages MiB" "err %"
    while IFS=$'\t' read -r -a f; do
        [[ ${f[1]} == "$n" ]] || continue
        printf '%-6s %-12s %8s %5s %10s %10s %10s %10s %7s %7s %10s %7s\n' \
            "${f[0]}" "${f[19]}" "${f[2]}" "${f[3]}" "$(mib "${f[4]}")" "$(mib "${f[5]}")" "$(mib "${f[8]}")" \
            "$(mib "${f[10]}")" "${f[14]}" "${f[12]}" "$(mib "${f[11]}")" "${f[13]}"
        [[ ${f[2]} == "$n" ]] || echo "  (only ${f[2]} of $n entries created: ${f[20]})"
    done <"$TMP/rows"
    echo
done

echo "kernel view of the same fills (deltas after - before):"
printf '%-6s %8s %11s %11s %11s %12s  %s\n' variant N "ct objs/N" "Slab MiB" "SUnrecl MiB" "MemAvail -MiB" "kmalloc caches that grew (bytes, per entry)"
while IFS=$'\t' read -r -a f; do
    printf '%-6s %8s %11s %11s %11s %12s  %s\n' "${f[0]}" "${f[1]}" \
        "$(awk -v a="${f[5]}" -v s="$OBJSIZE" -v c="${f[2]}" 'BEGIN { printf "%.3f", c ? a / s / c : 0 }')" \
        "$(mib "${f[15]}")" "$(mib "${f[16]}")" "$(mib "${f[17]}")" "${f[18]}"
done <"$TMP/rows"
echo "fill times: $(awk -F'\t' '{ split($21, s, " "); printf "%s/%s %s s; ", $1, $2, s[3] }' "$TMP/rows")"
echo

echo "target: model N x E within ${TARGET_PCT} % of the measured slab objects (nf_conntrack + kmalloc growth)"
while IFS=$'\t' read -r -a f; do
    verdict=PASS
    awk -v e="${f[12]}" -v t="$TARGET_PCT" 'BEGIN { exit !(e < -t || e > t) }' && { verdict=MISS; PASS=0; }
    printf '%s %-5s N=%-8s predicted %s B, measured %s B (pages %s B), error %s %%\n' \
        "$verdict" "${f[0]}" "${f[1]}" "${f[4]}" "${f[10]}" "${f[11]}" "${f[12]}"
done <"$TMP/rows"
((PASS)) && echo "overall: PASS" || echo "overall: MISS"
echo "runtime $(( $(date +%s) - START )) s"
exit 0
