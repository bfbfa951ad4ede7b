#!/usr/bin/env bash
# The monitoring files of monitoring/ loaded by the real tools (make monitoring):
#   - promtool check metrics on status and check --prometheus (fixture trees, this node, a failed check's file)
#   - promtool check rules and test rules on monitoring/prometheus
#   - a real Nagios Core, in the foreground from a temporary config and stopped by its pid, running the
#     shipped command definitions as its own non-root user against fixture trees: OK, WARNING, CRITICAL and a
#     usage error each give their state and the agent's first line of output
#   - Icinga 2 validating the shipped CheckCommand; visudo the sudoers rule; the NRPE command run as written
#   - the check as a non-root user on this node names what it could not read, and the least-privilege recipe
#     (CAP_SYSLOG as an ambient capability) makes the kernel log readable
# Read-only for the kernel: every check reads a fixture tree through --root or only reads this node; the one
# setting changed (kernel.dmesg_restrict, set to 1 so the non-root case is the same on every machine) is put
# back on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JAR=${CTGUARD_JAR:-$REPO/java-agent/target/ctguard.jar}
TREES=$REPO/java-agent/src/test/resources/fixtures
MONITORING=$REPO/monitoring
USER_NAME=nagios   # the monitoring user Debian's nagios4-core creates

[ -f "$JAR" ] || { echo "no $JAR: build it with 'make build'" >&2; exit 1; }
for tool in promtool nagios4 icinga2 visudo setpriv; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool is missing: run 'make deps'" >&2; exit 1; }
done
id "$USER_NAME" >/dev/null

WORK=$(mktemp -d /tmp/ctguard-monitoring.XXXXXX)
chmod 0755 "$WORK"
NAGIOS_PID=
restrict=$(cat /proc/sys/kernel/dmesg_restrict)
cleanup() {
    if [ -n "$NAGIOS_PID" ]; then kill "$NAGIOS_PID" 2>/dev/null || true; wait "$NAGIOS_PID" 2>/dev/null || true; fi
    echo "$restrict" >/proc/sys/kernel/dmesg_restrict
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }

export NO_COLOR=1 CTGUARD_CONFIG=$WORK/ctguard.yml
: >"$CTGUARD_CONFIG"
: >"$WORK/kernel.log"
install -m 0644 "$JAR" "$WORK/ctguard.jar"
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nexec java -jar %s "$@"\n' "$WORK/ctguard.jar" >"$WORK/bin/ctguard"
chmod 0755 "$WORK/bin/ctguard"
CTGUARD=$WORK/bin/ctguard

# tree NAME COUNT: the 6.18 fixture tree with COUNT of its 262144 entries and every loss counter zero
tree() {
    local dst=$WORK/$1
    cp -a "$TREES/linux-6.18" "$dst"
    echo "$2" >"$dst/proc/sys/net/netfilter/nf_conntrack_count"
    cat >"$dst/proc/net/stat/nf_conntrack" <<'EOF'
entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
000003e8  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
000003e8  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
EOF
    chown -R "$USER_NAME" "$dst"
}
tree ok 1000
tree warn 200000
tree crit 239000

# --- Prometheus ------------------------------------------------------------------------------------------
metrics_ok() {   # metrics_ok LABEL ARGS...: promtool check metrics on the agent's output
    local out
    out=$("$CTGUARD" "${@:2}" || true)
    if [ -z "$out" ]; then fail "$1: no metrics"; return; fi
    if lint=$(promtool check metrics <<<"$out" 2>&1); then pass "promtool check metrics: $1"; else fail "promtool check metrics: $1: $lint"; fi
}
metrics_ok "status --prometheus (fixture)" status --prometheus --root "$WORK/ok"
metrics_ok "check --prometheus (fixture, WARNING)" check --prometheus --root "$WORK/warn" --kernel-log "$WORK/kernel.log"
metrics_ok "status --prometheus (this node)" status --prometheus
metrics_ok "check --prometheus (this node)" check --prometheus --kernel-log none --counter-cache "$WORK/counters.json"
mkdir -p "$WORK/empty" "$WORK/textfile"
rc=0; "$CTGUARD" check --root "$WORK/empty" --prometheus-file "$WORK/textfile/failed.prom" >/dev/null 2>&1 || rc=$?
if [ "$rc" = 3 ] && grep -qx 'ctguard_up{error="69"} 0' "$WORK/textfile/failed.prom" \
        && lint=$(promtool check metrics <"$WORK/textfile/failed.prom" 2>&1); then
    pass "a failed check's textfile: exit 3, ctguard_up{error=\"69\"} 0, promtool clean"
else
    fail "a failed check's textfile (exit $rc): $(cat "$WORK/textfile/failed.prom" 2>/dev/null) ${lint:-}"
fi
if out=$(promtool check rules "$MONITORING/prometheus/conntrack-guard.rules.yml" 2>&1); then pass "promtool check rules"; else fail "promtool check rules: $out"; fi
if out=$(cd "$MONITORING/prometheus" && promtool test rules conntrack-guard.rules.test.yml 2>&1); then
    pass "promtool test rules"
else
    fail "promtool test rules: $out"
fi

# --- Nagios Core -------------------------------------------------------------------------------------------
# The shipped definitions with the agent's path pointing at this build: nothing else of them is changed.
N=$WORK/nagios
mkdir -p "$N/checkresults"
sed "s#/opt/conntrack-guard/bin/ctguard#$CTGUARD#g" "$MONITORING/nagios/conntrack-guard.cfg" >"$N/conntrack-guard.cfg"
declare -A ARGS=(
    [ok]="--root $WORK/ok --kernel-log $WORK/kernel.log"
    [warning]="--root $WORK/warn --kernel-log $WORK/kernel.log"
    [critical]="--root $WORK/crit --kernel-log $WORK/kernel.log -v"
    [usage]="--root $WORK/ok -w 200%"
)
declare -A WANT=([ok]=0 [warning]=1 [critical]=2 [usage]=3)
declare -A WORD=([ok]=OK [warning]=WARNING [critical]=CRITICAL [usage]=UNKNOWN)
{
    cat <<EOF
define timeperiod {
    timeperiod_name always
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define contact {
    contact_name                  nobody
    host_notifications_enabled    0
    service_notifications_enabled 0
    host_notification_period      always
    service_notification_period   always
    host_notification_options     n
    service_notification_options  n
    host_notification_commands    notify-none
    service_notification_commands notify-none
}
define command {
    command_name notify-none
    command_line /bin/true
}
define host {
    host_name             node
    address               127.0.0.1
    max_check_attempts    1
    check_period          always
    active_checks_enabled 0
    contacts              nobody
    notification_period   always
}
EOF
    for s in "${!ARGS[@]}"; do
        cat <<EOF
define service {
    host_name             node
    service_description   $s
    check_command         check_conntrack!${ARGS[$s]}
    max_check_attempts    1
    check_interval        1
    retry_interval        1
    check_period          always
    contacts              nobody
    notification_period   always
}
EOF
    done
} >"$N/objects.cfg"
cat >"$N/nagios.cfg" <<EOF
log_file=$N/nagios.log
cfg_file=$N/objects.cfg
cfg_file=$N/conntrack-guard.cfg
object_cache_file=$N/objects.cache
precached_object_file=$N/objects.precache
status_file=$N/status.dat
status_update_interval=1
nagios_user=$USER_NAME
nagios_group=$USER_NAME
check_external_commands=0
command_file=$N/nagios.cmd
query_socket=$N/nagios.qh
lock_file=$N/nagios.lock
temp_file=$N/nagios.tmp
temp_path=$N
check_result_path=$N/checkresults
check_result_reaper_frequency=1
retain_state_information=0
use_retained_program_state=0
use_retained_scheduling_info=0
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
enable_notifications=0
enable_flap_detection=0
process_performance_data=0
log_rotation_method=n
service_check_timeout=60
check_workers=2
EOF
chown -R "$USER_NAME" "$N"
if ! out=$(nagios4 -v "$N/nagios.cfg" 2>&1); then
    fail "nagios4 -v: $out"
else
    pass "nagios4 -v: the shipped command definitions load"
    nagios4 "$N/nagios.cfg" >"$WORK/nagios.out" 2>&1 &
    NAGIOS_PID=$!
    # every service checked once, bounded: a check is a JVM start, four of them on two workers
    for _ in $(seq 1 120); do
        checked=$(grep -c 'has_been_checked=1' "$N/status.dat" 2>/dev/null || true)
        [ "${checked:-0}" -ge "${#ARGS[@]}" ] && break
        sleep 1
    done
    # Nagios removes its status file when it stops
    cp "$N/status.dat" "$WORK/status.dat" 2>/dev/null || : >"$WORK/status.dat"
    kill "$NAGIOS_PID"; wait "$NAGIOS_PID" 2>/dev/null || true; NAGIOS_PID=
    # status.dat: one servicestatus block per service; the fields as Nagios stored them
    field() {
        awk -v svc="$1" -v key="$2" '
            /^servicestatus \{/ { inblock = 1; name = ""; value = ""; next }
            inblock && /^\t}/ { if (name == svc) { print value; exit } inblock = 0; next }
            inblock { line = $0; sub(/^\t/, "", line); k = substr(line, 1, index(line, "=") - 1)
                      v = substr(line, index(line, "=") + 1)
                      if (k == "service_description") name = v
                      if (k == key) value = v }' "$WORK/status.dat"
    }
    for s in "${!ARGS[@]}"; do
        state=$(field "$s" current_state)
        output=$(field "$s" plugin_output)
        perf=$(field "$s" performance_data)
        # shellcheck disable=SC2086 # ARGS holds words, as Nagios splits them
        direct=$(su -s /bin/sh "$USER_NAME" -c "$CTGUARD check -t 50s ${ARGS[$s]}" 2>/dev/null | head -n 1 || true)
        if [ "$state" != "${WANT[$s]}" ]; then
            fail "nagios $s: state '$state', not ${WANT[$s]}: $output"
        elif [[ $output != "CONNTRACK ${WORD[$s]} - "* ]]; then
            fail "nagios $s: output '$output'"
        elif [ "$output${perf:+ | $perf}" != "$direct" ]; then
            fail "nagios $s: Nagios stored '$output | $perf', the agent prints '$direct'"
        else
            pass "nagios $s: state ${WANT[$s]}, $output"
        fi
    done
    long=$(field critical long_plugin_output)
    if [[ $long == *'usage '*'counters '* ]]; then pass "nagios: -v gives the long output"; else fail "nagios: long output of -v: '$long'"; fi
fi

# --- Icinga 2, sudoers, NRPE -------------------------------------------------------------------------------
cat >"$WORK/icinga2.conf" <<EOF
include <itl>
include "$MONITORING/icinga2/conntrack-guard.conf"
object Host "node" {
  check_command = "dummy"
  address = "127.0.0.1"
}
object Service "conntrack" {
  host_name = "node"
  check_command = "conntrack"
  vars.conntrack_warning = "75%"
}
object Service "conntrack-sudo" {
  host_name = "node"
  check_command = "conntrack-sudo"
  vars.conntrack_critical = "90%"
  vars.conntrack_verbose = true
}
EOF
if out=$(icinga2 daemon -C -c "$WORK/icinga2.conf" 2>&1); then
    pass "icinga2 daemon -C: the shipped CheckCommand loads"
else
    fail "icinga2 daemon -C: $(grep -E 'critical|Error' <<<"$out" | head -5)"
fi
# Icinga 2's own perfdata parser on every field of a WARNING check: each parses, and fill keeps its thresholds
perfdata=$("$CTGUARD" check --root "$WORK/warn" --kernel-log "$WORK/kernel.log" | head -n 1 | sed 's/.* | //' || true)
expr="[$(for f in $perfdata; do printf 'parse_performance_data("%s"),' "$f"; done)]"
if parsed=$(icinga2 console --eval "$expr" 2>&1) && [[ $parsed == *'"label":"fill"'*'"unit":"percent","value":76.29,"warn":75'* ]] \
        && [ "$(grep -o '"type":"PerfdataValue"' <<<"$parsed" | wc -l)" = "$(wc -w <<<"$perfdata")" ]; then
    pass "icinga2 parse_performance_data: all $(wc -w <<<"$perfdata") perfdata fields"
else
    fail "icinga2 parse_performance_data: $parsed"
fi
if out=$(visudo -cf "$MONITORING/sudoers/conntrack-guard" 2>&1); then pass "visudo -c: the sudoers rule"; else fail "visudo -c: $out"; fi
nrpe=$(sed -n 's/^command\[check_conntrack\]=//p' "$MONITORING/nrpe/conntrack-guard.cfg")
# as root, what sudo gives it; the agent's path pointing at this build
nrpe=${nrpe#/usr/bin/sudo -n }
nrpe=${nrpe/\/opt\/conntrack-guard\/bin\/ctguard/$CTGUARD}
rc=0; first=$($nrpe --root "$WORK/warn" --kernel-log "$WORK/kernel.log" | head -n 1) || rc=$?
if [[ $first == "CONNTRACK WARNING - "* ]]; then pass "nrpe command: $first"; else fail "nrpe command (exit $rc): $first"; fi

# --- a non-root monitoring user on this node -----------------------------------------------------------------
echo 1 >/proc/sys/kernel/dmesg_restrict
plain=$(su -s /bin/sh "$USER_NAME" -c "$CTGUARD check --kernel-log dmesg --counter-cache $WORK/user-counters.json" | head -n 1 || true)
status=${plain%% | *}
if [[ $status == *' - not read: kernel log'*'other namespaces'*' - see -v' ]]; then
    pass "non-root: $status"
else
    fail "non-root status line does not say what it could not read: $plain"
fi
# the recipe of README.md: CAP_SYSLOG as an ambient capability (a systemd unit's AmbientCapabilities=)
capable=$(setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups --inh-caps=+syslog --ambient-caps=+syslog \
    "$CTGUARD" check --kernel-log dmesg --counter-cache "$WORK/user-counters.json" | head -n 1 || true)
# (the log itself may hold table-full lines of earlier tests: the verdict is not what is checked here)
if [[ ${capable%% | *} != *'not read: kernel log'* && $capable == CONNTRACK* ]]; then
    pass "non-root with CAP_SYSLOG reads the kernel log: ${capable%% | *}"
else
    fail "non-root with CAP_SYSLOG: $capable"
fi

if [ "$failures" -gt 0 ]; then
    echo "$failures monitoring check(s) failed" >&2
    exit 1
fi
echo "monitoring: all checks passed"
