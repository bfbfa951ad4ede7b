#!/usr/bin/env bash
# Fleet pre-flight speed (a benchmark, not a test: prints figures and ratios, exits 0 even on a miss).
#
# Starts one OpenSSH sshd on loopback (127.0.0.1, a free port, its own host key, MaxStartups raised),
# writes an inventory of HOSTS aliases of it, and times, in the same run and with the same forks:
#   ctguard fleet                 (one SSH exec per host reading every file, judged locally)
#   ansible all -m raw            (the same files with cat, ad hoc)
#   parallel-ssh                  (the same files with cat; Debian package pssh, installed if missing)
# Median of RUNS runs each. Targets: fleet >= 3x faster than ansible, >= 1.5x faster than parallel-ssh.
#
# Usage: bench/fleet.sh [-n HOSTS] [-f FORKS] [-r RUNS]      (root; defaults 100, 20, 3)
set -euo pipefail
export LC_ALL=C
HOSTS=100; FORKS=20; RUNS=3
while [[ $# -gt 0 ]]; do
    case $1 in
        -n) HOSTS=$2; shift 2 ;;
        -f) FORKS=$2; shift 2 ;;
        -r) RUNS=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fleet.sh: unknown argument $1" >&2; exit 64 ;;
    esac
done
[[ $(id -u) == 0 ]] || { echo "fleet.sh: needs root" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/java-agent/target/ctguard.jar
[[ -f $JAR ]] || (cd "$ROOT" && mvn -q -B package -DskipTests)
ANSIBLE=$ROOT/.venv/bin/ansible
[[ -x $ANSIBLE ]] || (cd "$ROOT" && make -s venv)
command -v parallel-ssh >/dev/null || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q pssh >/dev/null; }
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

TMP=$(mktemp -d /tmp/ctguard-bench-fleet.XXXXXX)
cleanup() { [[ -f $TMP/sshd.pid ]] && kill "$(cat "$TMP/sshd.pid")" 2>/dev/null; [[ -f $TMP/errors ]] && sort "$TMP/errors" | uniq -c >&2; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f "$TMP/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/client_key"
cp "$TMP/client_key.pub" "$TMP/authorized_keys"
mkdir -p /run/sshd
cat > "$TMP/sshd_config" <<CONF
ListenAddress 127.0.0.1:$PORT
HostKey $TMP/host_key
PidFile $TMP/sshd.pid
AuthorizedKeysFile $TMP/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
StrictModes no
MaxStartups 500
MaxSessions 500
CONF
"$SSHD" -f "$TMP/sshd_config" -E "$TMP/sshd.log"
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1-2 "$TMP/host_key.pub")" > "$TMP/known_hosts"
{
    echo "all:"; echo "  vars:"
    echo "    ansible_host: 127.0.0.1"; echo "    ansible_port: $PORT"; echo "    ansible_user: root"
    echo "    ansible_ssh_private_key_file: $TMP/client_key"
    echo "  hosts:"
    for i in $(seq "$HOSTS"); do echo "    node$i:"; done
} > "$TMP/inventory.yml"
for i in $(seq "$HOSTS"); do echo "root@127.0.0.1:$PORT"; done > "$TMP/pssh_hosts"
FILES="/proc/sys/net/netfilter/nf_conntrack_* /sys/module/nf_conntrack/parameters/hashsize /proc/net/stat/nf_conntrack /proc/meminfo /proc/slabinfo"
READ="cat $FILES 2>/dev/null; true"
SSH_OPTS=(-O "UserKnownHostsFile=$TMP/known_hosts" -O StrictHostKeyChecking=yes -O "IdentityFile=$TMP/client_key")

time_ms() {
    local s=${EPOCHREALTIME/[.,]/}
    "$@" > "$TMP/out" 2>&1 || { echo "exit $? from $1: $(tail -c 300 "$TMP/out" | tr "\n" " ")" >> "$TMP/errors"; }
    local e=${EPOCHREALTIME/[.,]/}
    echo $(( (e - s) / 1000 ))
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

fleet=(); ansible=(); pssh=()
for r in $(seq "$RUNS"); do
    fleet+=("$(time_ms java -jar "$JAR" fleet -i "$TMP/inventory.yml" --known-hosts "$TMP/known_hosts" --forks "$FORKS" --json)")
    ok=$(python3 -c "import json; print(json.load(open('$TMP/out'))['summary']['unknown'])" 2>/dev/null || echo "?")
    ansible+=("$(time_ms env LC_ALL=C.UTF-8 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=$TMP/known_hosts -o ControlMaster=no" \
        "$ANSIBLE" -i "$TMP/inventory.yml" all -m raw -a "$READ" -f "$FORKS")")
    pssh+=("$(time_ms parallel-ssh -h "$TMP/pssh_hosts" -p "$FORKS" "${SSH_OPTS[@]}" -t 60 -i "$READ")")
    echo "run $r: fleet ${fleet[-1]} ms (unreadable hosts: $ok), ansible ${ansible[-1]} ms, parallel-ssh ${pssh[-1]} ms"
done
f=$(median "${fleet[@]}"); a=$(median "${ansible[@]}"); p=$(median "${pssh[@]}")
echo
printf '%-34s %10s %10s\n' "tool ($HOSTS hosts, forks $FORKS)" "median ms" "vs fleet"
printf '%-34s %10d %9sx\n' "ctguard fleet" "$f" "1.00"
printf '%-34s %10d %9sx\n' "ansible -m raw" "$a" "$(awk -v a="$a" -v f="$f" 'BEGIN{printf "%.2f", a/f}')"
printf '%-34s %10d %9sx\n' "parallel-ssh" "$p" "$(awk -v a="$p" -v f="$f" 'BEGIN{printf "%.2f", a/f}')"
awk -v a="$a" -v f="$f" 'BEGIN{ r=a/f; printf "%s fleet vs ansible: %.2fx (target >= 3x)\n", (r>=3?"PASS":"MISS"), r }'
awk -v p="$p" -v f="$f" 'BEGIN{ r=p/f; printf "%s fleet vs parallel-ssh: %.2fx (target >= 1.5x)\n", (r>=1.5?"PASS":"MISS"), r }'
