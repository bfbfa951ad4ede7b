#!/usr/bin/env bash
# Start-up benchmark for ctguard (a benchmark, not a test: it prints figures and exits 0 even when
# a target is missed; it exits non-zero only when it cannot run).
#
# Measures wall time and peak RSS of `java -jar java-agent/target/ctguard.jar status --json`
# against a bare JVM that reads the same four /proc/sys files (bench/BareRead.java), plus variants
# with AppCDS and start-up JVM flags. All variants run interleaved in the same session; each gets
# 2 warm-up runs, then the median of N measured runs is reported.
#
# Usage: bench/startup.sh [-n RUNS]      (or BENCH_RUNS=RUNS bench/startup.sh; default 15, min 10)
# See bench/README.md for how to read the output.
set -euo pipefail
export LC_ALL=C

WARMUP=2
MIN_RUNS=10
RUNS=${BENCH_RUNS:-15}
JAVA=${JAVA:-java}
WALL_TARGET_RATIO=2
RSS_TARGET_MIB=64

# Flags tried as improvements (see the legend printed after the table).
TRIM_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto)
HEAP_FLAGS=(-Xms8m -Xmx64m)

die() { echo "startup.sh: $*" >&2; exit 1; }
usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case $1 in
        -n|--runs) [[ $# -ge 2 ]] || die "$1 needs a value"; RUNS=$2; shift 2 ;;
        --runs=*) RUNS=${1#--runs=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "startup.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[0-9]+$ ]] || die "runs must be a whole number, got '$RUNS'"
((RUNS >= MIN_RUNS)) || die "runs must be at least $MIN_RUNS, got $RUNS"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
cd "$ROOT"

command -v "$JAVA" >/dev/null || die "java not found (set JAVA=/path/to/java)"
command -v javac >/dev/null || die "javac not found (a JDK 17 is needed, not only a JRE)"

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ctguard-bench.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT
mkdir -p "$TMP/classes" "$TMP/res"

# --- clock ----------------------------------------------------------------------------------------
if [[ -n ${EPOCHREALTIME:-} ]]; then
    now_us() { local t=${EPOCHREALTIME//[.,]/}; echo "$((10#$t))"; }
    CLOCK="bash \$EPOCHREALTIME (µs)"
else
    now_us() { echo $(($(date +%s%N) / 1000)); }
    CLOCK="date +%s%N (adds one fork per run to every variant)"
fi

# --- peak RSS method ------------------------------------------------------------------------------
TIME_BIN=/usr/bin/time
if [[ ! -x $TIME_BIN ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "startup.sh: /usr/bin/time missing, installing Debian package 'time'" >&2
    { apt-get update && apt-get install -y time; } >"$TMP/apt.log" 2>&1 \
        || echo "startup.sh: apt-get install time failed (see below), trying python3" >&2
fi
if [[ -x $TIME_BIN ]] && "$TIME_BIN" -f '%e %M' -o "$TMP/t" true 2>/dev/null; then
    RSS_METHOD="GNU time ($TIME_BIN -f '%e %M'; %M = ru_maxrss of the child, KiB)"
    measure() { # measure CMD...: sets M_WALL_US and M_RSS_KIB, returns the command's exit status
        local t0 t1 rc=0
        t0=$(now_us)
        "$TIME_BIN" -f '%e %M' -o "$TMP/time.out" "$@" >/dev/null 2>"$TMP/run.err" || rc=$?
        t1=$(now_us)
        M_WALL_US=$((t1 - t0))
        M_RSS_KIB=$(tail -n 1 "$TMP/time.out" | awk '{print $2}')
        return "$rc"
    }
elif command -v python3 >/dev/null; then
    # Same kernel figure as GNU time: ru_maxrss from wait4() of the child, timed around fork/exec.
    RSS_METHOD="python3 os.wait4() ru_maxrss (KiB; GNU time unavailable)"
    CLOCK="python3 time.perf_counter() around fork/exec/wait4"
    cat >"$TMP/rusage.py" <<'PY'
import os, sys, time
err = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
null = os.open(os.devnull, os.O_WRONLY)
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(null, 1)
    os.dup2(err, 2)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
t1 = time.perf_counter()
print(int((t1 - t0) * 1e6), ru.ru_maxrss, os.waitstatus_to_exitcode(status))
PY
    measure() {
        local out rc
        out=$(python3 "$TMP/rusage.py" "$TMP/run.err" "$@")
        read -r M_WALL_US M_RSS_KIB rc <<<"$out"
        return "$rc"
    }
else
    [[ -s $TMP/apt.log ]] && tail -n 5 "$TMP/apt.log" >&2
    die "no way to measure peak RSS: install GNU time ('apt-get install time') or python3"
fi

# --- inputs ---------------------------------------------------------------------------------------
JAR_SRC=java-agent/target/ctguard.jar
if [[ ! -f $JAR_SRC ]]; then
    echo "startup.sh: $JAR_SRC missing, building it with mvn" >&2
    command -v mvn >/dev/null || die "mvn not found and $JAR_SRC does not exist"
    mvn -q -B package -DskipTests || die "mvn package failed"
    [[ -f $JAR_SRC ]] || die "mvn package did not produce $JAR_SRC"
fi
# Snapshot the jar: other people may rebuild it mid-run, which would mix two builds in one table
# and silently invalidate the AppCDS archive (CDS checks the jar's size and mtime).
JAR=$TMP/ctguard.jar
cp -p "$JAR_SRC" "$JAR"

javac -d "$TMP/classes" "$BENCH/BareRead.java" || die "javac bench/BareRead.java failed"

# Sanity: both programs work here, before any timing.
NF=/proc/sys/net/netfilter
for f in nf_conntrack_count nf_conntrack_max nf_conntrack_buckets nf_conntrack_tcp_timeout_time_wait; do
    [[ -r $NF/$f ]] || die "$NF/$f is not readable (nf_conntrack not loaded?)"
done
"$JAVA" -cp "$TMP/classes" BareRead >"$TMP/bare.out" 2>"$TMP/bare.err" \
    || { cat "$TMP/bare.err" >&2; die "BareRead failed"; }
[[ $(grep -cE '^nf_conntrack_[a-z_]+=[0-9]+$' "$TMP/bare.out") -eq 4 ]] \
    || { cat "$TMP/bare.out" >&2; die "BareRead did not print four numeric values"; }
"$JAVA" -jar "$JAR" status --json >"$TMP/ct.out" 2>"$TMP/ct.err" \
    || { cat "$TMP/ct.err" >&2; die "ctguard status --json failed"; }
[[ $(head -c 1 "$TMP/ct.out") == "{" ]] || { head -c 300 "$TMP/ct.out" >&2; die "ctguard did not print JSON"; }

# --- AppCDS archives (dynamic, JDK 13+), one per flag set, like a wrapper would make them ---------
CDS_NOTES=()
make_archive() { # make_archive ARCHIVE FLAGS...
    local jsa=$1; shift
    "$JAVA" "$@" -XX:ArchiveClassesAtExit="$jsa" -jar "$JAR" status --json >"$TMP/dump.log" 2>&1 \
        || { tail -n 20 "$TMP/dump.log" >&2; die "creating $jsa failed"; }
    if ! "$JAVA" "$@" -Xshare:on -XX:SharedArchiveFile="$jsa" -jar "$JAR" status --json >/dev/null 2>"$TMP/cds.err"; then
        CDS_NOTES+=("WARNING: $(basename "$jsa") cannot be mapped (-Xshare:on fails); its rows ran without it")
    fi
}
make_archive "$TMP/ctguard.jsa"
SKIPPED_OLD=$(grep -c 'Pre JDK 6 class not supported by CDS' "$TMP/dump.log" || true)
SKIPPED_PICOCLI=$(grep -c 'Pre JDK 6 class not supported by CDS: 49.0 picocli/' "$TMP/dump.log" || true)
SKIPPED_ALL=$(grep -cE '\[warning\]\[cds\] (Skipping|Pre JDK 6)' "$TMP/dump.log" || true)
make_archive "$TMP/ctguard-trim.jsa" "${TRIM_FLAGS[@]}" "${HEAP_FLAGS[@]}"
"$JAVA" -XX:SharedArchiveFile="$TMP/ctguard.jsa" -Xlog:class+load=info:file="$TMP/classload.log" \
    -jar "$JAR" status --json >/dev/null 2>&1 || true
CL_CDS=$(grep -c 'source: shared objects file' "$TMP/classload.log" || true)
CL_JAR=$(grep -c 'source: file:' "$TMP/classload.log" || true)
CL_OTHER=$(($(wc -l <"$TMP/classload.log") - CL_CDS - CL_JAR))

# --- the node bundle (make dist), when built: with its start-up archive, and without one -------------
BUNDLE_TGZ=$(ls dist/conntrack-guard-*-linux-x86_64.tar.gz 2>/dev/null | head -n 1 || true)
if [[ -n $BUNDLE_TGZ ]]; then
    mkdir -p "$TMP/bundle" "$TMP/bundle-plain"
    tar -xzf "$BUNDLE_TGZ" -C "$TMP/bundle"
    tar -xzf "$BUNDLE_TGZ" -C "$TMP/bundle-plain"
    BUNDLE=$(echo "$TMP"/bundle/conntrack-guard-*)
    BUNDLE_PLAIN=$(echo "$TMP"/bundle-plain/conntrack-guard-*)
    "$BUNDLE/lib/cds.sh" || die "$BUNDLE/lib/cds.sh failed"
fi

# --- variants -------------------------------------------------------------------------------------
# VNAME[i] and VARGS_i (the java arguments); variant 0 is the baseline.
VNAME=()
add_variant() { # add_variant NAME ARGS...
    local i=${#VNAME[@]}
    VNAME+=("$1"); shift
    declare -g -a "VARGS_$i"
    local -n ref="VARGS_$i"
    ref=("$@")
}
add_variant "bare"                  -cp "$TMP/classes" BareRead
add_variant "bare+trim"             "${TRIM_FLAGS[@]}" -cp "$TMP/classes" BareRead
add_variant "ctguard"               -jar "$JAR" status --json
add_variant "ctguard+cds"           -XX:SharedArchiveFile="$TMP/ctguard.jsa" -jar "$JAR" status --json
add_variant "ctguard+trim"          "${TRIM_FLAGS[@]}" -jar "$JAR" status --json
add_variant "ctguard+trim+heap"     "${TRIM_FLAGS[@]}" "${HEAP_FLAGS[@]}" -jar "$JAR" status --json
add_variant "ctguard+cds+trim+heap" "${TRIM_FLAGS[@]}" "${HEAP_FLAGS[@]}" \
                                    -XX:SharedArchiveFile="$TMP/ctguard-trim.jsa" -jar "$JAR" status --json
# a variant whose arguments start with --exec runs its own executable instead of $JAVA
if [[ -n $BUNDLE_TGZ ]]; then
    add_variant "bundle"            --exec "$BUNDLE/bin/ctguard" status --json
    add_variant "bundle-no-archive" --exec "$BUNDLE_PLAIN/bin/ctguard" status --json
fi
NV=${#VNAME[@]}

run_variant() { # run_variant INDEX RECORD(0|1)
    local i=$1 record=$2
    local -n args="VARGS_$i"
    local cmd=("$JAVA" "${args[@]}")
    [[ ${args[0]} == --exec ]] && cmd=("${args[@]:1}")
    if ! measure "${cmd[@]}"; then
        cat "$TMP/run.err" >&2
        die "variant ${VNAME[$i]} failed: $JAVA ${args[*]}"
    fi
    if ((record)); then
        awk -v us="$M_WALL_US" 'BEGIN { printf "%.3f\n", us / 1000 }' >>"$TMP/res/$i.wall"
        echo "$M_RSS_KIB" >>"$TMP/res/$i.rss"
    fi
}

# Interleaved: every round runs each variant once, starting at a rotating variant so that no
# variant always runs first (or right after the same neighbour).
TOTAL=$((WARMUP + RUNS))
for ((r = 0; r < TOTAL; r++)); do
    printf '\rstartup.sh: round %d/%d (%s)' $((r + 1)) "$TOTAL" \
        "$( ((r < WARMUP)) && echo warm-up || echo measured)" >&2
    for ((k = 0; k < NV; k++)); do
        run_variant $(((r + k) % NV)) $((r >= WARMUP))
    done
done
printf '\r%60s\r' '' >&2

median() { sort -g "$1" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minmax() { sort -g "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }'; }

declare -a MWALL MRSS
for ((i = 0; i < NV; i++)); do
    MWALL[i]=$(median "$TMP/res/$i.wall")
    MRSS[i]=$(awk -v k="$(median "$TMP/res/$i.rss")" 'BEGIN { printf "%.1f", k / 1024 }')
done

# --- report ---------------------------------------------------------------------------------------
jar_kib=$(( $(stat -c %s "$JAR") / 1024 ))
echo "ctguard start-up benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "  java:     $("$JAVA" -version 2>&1 | head -n 1)  |  $(nproc) CPUs  |  kernel $(uname -r)"
echo "  jar:      $JAR_SRC (${jar_kib} KiB, snapshot copied to a temp dir)  |  run from $ROOT"
echo "  load:     $LOADAVG before the run (1/5/15 min)"
echo "  runs:     $WARMUP warm-up + $RUNS measured per variant, interleaved, medians shown"
echo "  wall:     $CLOCK around the whole process"
echo "  peak RSS: $RSS_METHOD"
echo
printf '%-22s %9s %11s %7s %9s %7s\n' "variant" "wall ms" "(min-max)" "x bare" "RSS MiB" "x bare"
printf '%-22s %9s %11s %7s %9s %7s\n' "----------------------" "-------" "---------" "------" "-------" "------"
for ((i = 0; i < NV; i++)); do
    awk -v n="${VNAME[$i]}" -v w="${MWALL[$i]}" -v r="${MRSS[$i]}" -v bw="${MWALL[0]}" -v br="${MRSS[0]}" \
        -v mm="$(minmax "$TMP/res/$i.wall")" \
        'BEGIN { printf "%-22s %9.1f %11s %6.2fx %9.1f %6.2fx\n", n, w, mm, w / bw, r, r / br }'
done
echo
echo "legend: trim = ${TRIM_FLAGS[*]}"
echo "        heap = ${HEAP_FLAGS[*]}"
echo "        cds  = -XX:SharedArchiveFile=<tmp>/ctguard*.jsa, made by one run with -XX:ArchiveClassesAtExit"
echo "               (ctguard+cds+trim+heap uses an archive made with the same trim+heap flags)"
if [[ -n $BUNDLE_TGZ ]]; then
    echo "        bundle = bin/ctguard of $(basename "$BUNDLE_TGZ") (its own runtime, launcher flags, lib/cds.sh's archive);"
    echo "                 bundle-no-archive: the same before lib/cds.sh has run"
else
    echo "        (no bundle rows: run 'make dist' first)"
fi
echo "AppCDS:  with the archive, classes loaded: $CL_CDS from CDS, $CL_JAR from the jar, $CL_OTHER other (lambdas/proxies)"
echo "         $SKIPPED_ALL classes not archived; $SKIPPED_OLD have class-file version 49 (pre-Java 6, CDS cannot take them), $SKIPPED_PICOCLI of those are picocli"
for note in "${CDS_NOTES[@]+"${CDS_NOTES[@]}"}"; do echo "         $note"; done
echo
echo "targets: wall <= ${WALL_TARGET_RATIO}x bare ($(awk -v b="${MWALL[0]}" 'BEGIN { printf "%.1f", b }') ms -> limit $(awk -v b="${MWALL[0]}" -v k=$WALL_TARGET_RATIO 'BEGIN { printf "%.1f", b * k }') ms); peak RSS <= $RSS_TARGET_MIB MiB"
for ((i = 0; i < NV; i++)); do
    [[ ${VNAME[$i]} == ctguard* ]] || continue
    awk -v n="${VNAME[$i]}" -v w="${MWALL[$i]}" -v r="${MRSS[$i]}" -v bw="${MWALL[0]}" \
        -v k=$WALL_TARGET_RATIO -v cap=$RSS_TARGET_MIB 'BEGIN {
            printf "%s wall  %-22s %7.1f ms = %5.2fx bare\n", (w <= k * bw ? "PASS" : "MISS"), n, w, w / bw
            printf "%s rss   %-22s %7.1f MiB\n", (r <= cap ? "PASS" : "MISS"), n, r
        }'
done
exit 0
