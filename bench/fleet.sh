#!/usr/bin/env bash
# Fleet pre-flight speed (a benchmark, not a test: prints figures and ratios, exits 0 even on a miss).
#
# Starts one OpenSSH sshd on loopback (127.0.0.1, a free port, its own host key, MaxStartups raised),
# writes an inventory of HOSTS aliases of it, and times, in the same run and with the same forks:
#   ctguard fleet                 (one SSH exec per host reading every file, judged locally)
#   ansible all -m raw            (the same files with cat, ad hoc)
#   parallel-ssh                  (the same files with cat; Debian package pssh, installed if missing)
# Median of RUNS runs each, the order rotating every run. Besides wall time it prints each tool's own CPU
# (client), its peak RSS, the CPU the sshd spent on its sessions (node), and each per host: on a real fleet
# every node has its own sshd, here one sshd on the same cores serves all the "nodes" and every tool.
# HOSTS may be a list (-n 100,400): one table per size, each with its own baseline runs.
# Then a flood point: the same fleet run against nodes that each send 16 MB instead of the script's
# answer; the rise in fleet's peak RSS over the normal run, divided by forks, is the memory one fork costs
# at the output cap.
# The node's login shell runs as root with a fresh home (an empty /root bind-mounted in the sshd's own
# mount namespace), as on a freshly installed node; -H keeps this machine's /root, whose ~/.bashrc runs
# on every session of every tool.
# Targets: fleet >= 3x faster than ansible, >= 1.5x faster than parallel-ssh.
#
# -j "FLAGS" runs ctguard's JVM with these flags (e.g. -j -Xmx64m: the flood point then shows whether a
# run fits a small heap, which is the real bound; without it the JVM's default heap lets garbage pile up).
# Usage: bench/fleet.sh [-n HOSTS[,HOSTS...]] [-f FORKS] [-r RUNS] [-H] [-j FLAGS]   (root; defaults 100, 20, 3)
set -euo pipefail
export LC_ALL=C
HOSTS=100; FORKS=20; RUNS=3; NODE_HOME=fresh; JVM_FLAGS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        -n) HOSTS=$2; shift 2 ;;
        -f) FORKS=$2; shift 2 ;;
        -r) RUNS=$2; shift 2 ;;
        -H) NODE_HOME=this-machine; shift ;;
        -j) read -r -a JVM_FLAGS <<< "$2"; shift 2 ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fleet.sh: unknown argument $1" >&2; exit 64 ;;
    esac
done
[[ $(id -u) == 0 ]] || { echo "fleet.sh: needs root" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/java-agent/target/ctguard.jar
[[ -f $JAR ]] || (cd "$ROOT" && mvn -q -B package -DskipTests)
ANSIBLE=$ROOT/.venv/bin/ansible
[[ -x $ANSIBLE ]] || (cd "$ROOT" && make -s venv)
missing=()
command -v parallel-ssh >/dev/null || missing+=(pssh)
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ ${#missing[@]} -gt 0 ]]; then
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

TMP=$(mktemp -d /tmp/ctguard-bench-fleet.XXXXXX)
cleanup() {
    local pid
    for pid in "$TMP"/sshd*.pid; do [[ -f $pid ]] && kill "$(cat "$pid")" 2>/dev/null; done
    [[ -f $TMP/errors ]] && sort "$TMP/errors" | uniq -c >&2
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ssh-keygen -q -t ed25519 -N '' -f "$TMP/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/client_key"
cp "$TMP/client_key.pub" "$TMP/authorized_keys"
mkdir -p /run/sshd
# start_sshd NAME PORT [sshd_config lines...]: an sshd on loopback, its pid in $TMP/sshd-NAME.pid
start_sshd() {
    local name=$1 port=$2; shift 2
    {
        echo "ListenAddress 127.0.0.1:$port"; echo "HostKey $TMP/host_key"; echo "PidFile $TMP/sshd-$name.pid"
        echo "AuthorizedKeysFile $TMP/authorized_keys"; echo "PermitRootLogin prohibit-password"
        echo "PasswordAuthentication no"; echo "UsePAM no"; echo "StrictModes no"; echo "MaxStartups 500"; echo "MaxSessions 500"
        printf '%s\n' "$@"
    } > "$TMP/sshd-$name.config"
    if [[ $NODE_HOME == fresh ]]; then
        mkdir -p -m 700 "$TMP/node-home"
        unshare --mount --propagation private sh -c 'mount --bind "$1" /root && shift && exec "$@"' sh \
            "$TMP/node-home" "$SSHD" -f "$TMP/sshd-$name.config" -E "$TMP/sshd-$name.log"
    else
        "$SSHD" -f "$TMP/sshd-$name.config" -E "$TMP/sshd-$name.log"
    fi
    for _ in $(seq 50); do [[ -s $TMP/sshd-$name.pid ]] && break; sleep 0.1; done
    echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$TMP/host_key.pub")" >> "$TMP/known_hosts"
}
# inventory FILE PORT N: N aliases of the sshd on PORT
inventory() {
    {
        echo "all:"; echo "  vars:"
        echo "    ansible_host: 127.0.0.1"; echo "    ansible_port: $2"; echo "    ansible_user: root"
        echo "    ansible_ssh_private_key_file: $TMP/client_key"
        echo "  hosts:"
        for i in $(seq "$3"); do echo "    node$i:"; done
    } > "$1"
}
PORT=$(free_port)
start_sshd nodes "$PORT"
SSHD_PID=$(cat "$TMP/sshd-nodes.pid")
# nodes that answer any command with 16 MB (one line, no newline): the output cap is what bounds a fork
FLOOD_PORT=$(free_port)
start_sshd flood "$FLOOD_PORT" "ForceCommand head -c 16000000 /dev/zero"
FILES="/proc/sys/net/netfilter/nf_conntrack_* /sys/module/nf_conntrack/parameters/hashsize /proc/net/stat/nf_conntrack /proc/meminfo /proc/slabinfo"
READ="cat $FILES 2>/dev/null; true"
SSH_OPTS=(-O "UserKnownHostsFile=$TMP/known_hosts" -O StrictHostKeyChecking=yes -O "IdentityFile=$TMP/client_key")

# Runs one tool; appends "wall_ms client_ms node_ms rss_kib" to the named array. Node CPU: what the sshd
# listener reaped from its session processes (and theirs), read from /proc/PID/stat (cutime, cstime).
reaped_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($16 + $17) * 1000 / hz) }' "/proc/$SSHD_PID/stat"; }
measure() {
    local -n into=$1; shift
    local before s e
    before=$(reaped_ms)
    s=${EPOCHREALTIME/[.,]/}
    local rc=0
    /usr/bin/time -f '%U %S %M' -o "$TMP/time" "$@" > "$TMP/out" 2>&1 || rc=$?
    # fleet's exit code is the worst verdict (0-3): only other codes are failures
    if ((rc != 0)) && ! [[ $1 == java && $rc -le 3 ]]; then
        echo "exit $rc from $1: $(tail -c 300 "$TMP/out" | tr "\n" " ")" >> "$TMP/errors"
    fi
    e=${EPOCHREALTIME/[.,]/}
    sleep 0.5   # the last sessions' processes are reaped after the client has gone
    # time(1) puts "Command exited with non-zero status N" before its figures: the figures are the last line
    into+=("$(( (e - s) / 1000 )) $(tail -n 1 "$TMP/time" | awk '{ print int(($1 + $2) * 1000) }') $(( $(reaped_ms) - before )) $(tail -n 1 "$TMP/time" | awk '{ print $3 }')")
}
column_median() { local col=$1; shift; printf '%s\n' "$@" | awk -v c="$col" '{ print $c }' | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

run_fleet() { measure fleet java "${JVM_FLAGS[@]}" -jar "$JAR" fleet -i "$TMP/inventory.yml" --known-hosts "$TMP/known_hosts" --forks "$FORKS" --json; }
run_ansible() {
    measure ansible env LC_ALL=C.UTF-8 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=$TMP/known_hosts -o ControlMaster=no" \
        "$ANSIBLE" -i "$TMP/inventory.yml" all -m raw -a "$READ" -f "$FORKS"
}
run_pssh() { measure pssh parallel-ssh -h "$TMP/pssh_hosts" -p "$FORKS" "${SSH_OPTS[@]}" -t 60 -i "$READ"; }

# bench_size N: RUNS rotating runs of the three tools against N hosts, one table
bench_size() {
    local hosts=$1 r k tool unread f a p w c n m label
    inventory "$TMP/inventory.yml" "$PORT" "$hosts"
    for i in $(seq "$hosts"); do echo "root@127.0.0.1:$PORT"; done > "$TMP/pssh_hosts"
    fleet=(); ansible=(); pssh=()
    local tools=(fleet ansible pssh)
    for r in $(seq "$RUNS"); do
        for k in 0 1 2; do
            tool=${tools[$(( (r + k) % 3 ))]}
            "run_$tool"
            if [[ $tool == fleet ]]; then
                unread=$(python3 -c "import json; s=json.load(open('$TMP/out'))['summary']; print(s['unknown'] + s['unreachable'])" 2>/dev/null || echo "?")
            fi
        done
        echo "$hosts hosts, run $r: fleet ${fleet[-1]%% *} ms (hosts not read: $unread), ansible ${ansible[-1]%% *} ms, parallel-ssh ${pssh[-1]%% *} ms"
    done
    echo
    printf '%-30s %9s %8s %9s %9s %8s %9s %9s\n' "tool ($hosts hosts, forks $FORKS)" "median ms" "vs fleet" "client cpu" "node cpu" "peak RSS" "ms/host" "cpu/host"
    printf '%-30s %9s %8s %9s %9s %8s %9s %9s\n' "" "" "" "ms" "ms" "MiB" "(wall)" "ms"
    f=$(column_median 1 "${fleet[@]}")
    for tool in fleet ansible pssh; do
        declare -n runs=$tool
        w=$(column_median 1 "${runs[@]}"); c=$(column_median 2 "${runs[@]}"); n=$(column_median 3 "${runs[@]}"); m=$(column_median 4 "${runs[@]}")
        case $tool in fleet) label="ctguard fleet"; FLEET_RSS_KIB=$m ;; ansible) label="ansible -m raw" ;; pssh) label="parallel-ssh" ;; esac
        printf '%-30s %9d %7sx %10d %9d %8.1f %9.1f %9.1f\n' "$label" "$w" "$(awk -v a="$w" -v f="$f" 'BEGIN{printf "%.2f", a/f}')" "$c" "$n" \
            "$(awk -v m="$m" 'BEGIN{print m/1024}')" "$(awk -v w="$w" -v h="$hosts" 'BEGIN{print w/h}')" "$(awk -v c="$c" -v h="$hosts" 'BEGIN{print c/h}')"
        unset -n runs
    done
    a=$(column_median 1 "${ansible[@]}"); p=$(column_median 1 "${pssh[@]}")
    awk -v a="$a" -v f="$f" 'BEGIN{ r=a/f; printf "%s fleet vs ansible: %.2fx (target >= 3x)\n", (r>=3?"PASS":"MISS"), r }'
    awk -v p="$p" -v f="$f" 'BEGIN{ r=p/f; printf "%s fleet vs parallel-ssh: %.2fx (target >= 1.5x)\n", (r>=1.5?"PASS":"MISS"), r }'
    echo
}

echo "node home: $NODE_HOME; ctguard JVM flags: ${JVM_FLAGS[*]:-none}"
for hosts in ${HOSTS//,/ }; do
    bench_size "$hosts"
done

# The flood point, at the last size: every host sends 16 MB; fleet must cut each at the cap
inventory "$TMP/inventory.yml" "$FLOOD_PORT" "$hosts"
flood=()
for r in $(seq "$RUNS"); do measure flood java "${JVM_FLAGS[@]}" -jar "$JAR" fleet -i "$TMP/inventory.yml" --known-hosts "$TMP/known_hosts" --forks "$FORKS" --json; done
cut_off=$(python3 -c "import json; h=json.load(open('$TMP/out'))['hosts']; print(sum('exceeds' in (x.get('error') or '') for x in h))" 2>/dev/null || echo "?")
w=$(column_median 1 "${flood[@]}"); m=$(column_median 4 "${flood[@]}")
echo "flood: $hosts hosts each sending 16 MB, forks $FORKS: $w ms, peak RSS $(awk -v m="$m" 'BEGIN{printf "%.1f", m/1024}') MiB (hosts cut off at the cap: $cut_off)"
awk -v m="$m" -v b="$FLEET_RSS_KIB" -v f="$FORKS" 'BEGIN{ printf "peak RSS above the normal run: %.1f MiB, %.2f MiB per fork (the output cap is 1 MiB)\n", (m-b)/1024, (m-b)/1024/f }'
