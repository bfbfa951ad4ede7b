#!/usr/bin/env bash
# What the role and the module cost Ansible users, against what they would pay for plain sysctl tasks
# (a benchmark, not a test: prints figures and ratios, exits 0 even on a miss). On localhost, check mode,
# the agent already installed (the bundle, under a temp directory), RUNS interleaved runs each, medians:
#   playbook: three ansible.posix.sysctl tasks (max, buckets, TIME_WAIT)  vs  the role's prepare entry point
#   ad hoc:   ansible -m ansible.posix.sysctl --check                     vs  ansible -m conntrack_guard -a action=check
# and the JVM's share: ctguard check --json run on its own, as the module runs it.
# Targets: role prepare <= 1.2x the sysctl tasks; the ad hoc module check <= 1.15x the ad hoc sysctl.
# ansible.posix comes from the `ansible` wheel on PyPI (pinned below), unpacked into bench/out/; nothing
# is installed into the project's virtualenv.
# Usage: bench/ansible.sh [-r RUNS]   (root; default 10; needs make dist and make venv)
set -euo pipefail
export LC_ALL=C.UTF-8
RUNS=10
ANSIBLE_WHEEL=ansible==12.3.0
while [[ $# -gt 0 ]]; do
    case $1 in
        -r) RUNS=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "ansible.sh: unknown argument $1" >&2; exit 64 ;;
    esac
done
[[ $(id -u) == 0 ]] || { echo "ansible.sh: needs root" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=$ROOT/.venv
[[ -x $VENV/bin/ansible ]] || make -s venv
make -s dist > /dev/null
COLLECTIONS=$ROOT/bench/out/collections
if [[ ! -d $COLLECTIONS/ansible_collections/ansible/posix ]]; then
    mkdir -p "$ROOT/bench/out/wheel" "$COLLECTIONS"
    "$VENV/bin/pip" download --no-deps -q -d "$ROOT/bench/out/wheel" "$ANSIBLE_WHEEL"
    python3 - "$ROOT/bench/out/wheel" "$COLLECTIONS" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + '/ansible-*.whl')[0]
with zipfile.ZipFile(wheel) as z:
    z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith('ansible_collections/ansible/posix/')])
PY
fi
TMP=$(mktemp -d /tmp/ctguard-bench-ansible.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export PATH=$VENV/bin:$PATH ANSIBLE_CONFIG=$ROOT/ansible.cfg ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS ANSIBLE_NOCOLOR=1
VARS=(-e "conntrack_guard_home=$TMP/opt" -e conntrack_guard_link= -e "conntrack_guard_state_dir=$TMP/state")
NF=/proc/sys/net/netfilter
cat > "$TMP/sysctl.yml" <<YML
- name: Three sysctl tasks
  hosts: all
  gather_facts: false
  tasks:
    - name: Raise nf_conntrack_max
      ansible.posix.sysctl: {name: net.netfilter.nf_conntrack_max, value: "$(( $(cat $NF/nf_conntrack_max) * 2 ))", sysctl_set: true, state: present, reload: false, sysctl_file: $TMP/sysctl.conf}
    - name: Raise nf_conntrack_buckets
      ansible.posix.sysctl: {name: net.netfilter.nf_conntrack_buckets, value: "$(( $(cat $NF/nf_conntrack_buckets) * 2 ))", sysctl_set: true, state: present, reload: false, sysctl_file: $TMP/sysctl.conf}
    - name: Lower TIME_WAIT
      ansible.posix.sysctl: {name: net.netfilter.nf_conntrack_tcp_timeout_time_wait, value: "60", sysctl_set: true, state: present, reload: false, sysctl_file: $TMP/sysctl.conf}
YML
cat > "$TMP/role.yml" <<'YML'
- name: The role's prepare, as upgrade.yml runs it
  hosts: all
  gather_facts: false
  tasks:
    - name: Prepare
      ansible.builtin.include_role:
        name: conntrack_guard
        tasks_from: prepare
YML
# install the bundle once, untimed, as a node that has it already
ansible-playbook -i inventories/local "${VARS[@]}" /dev/stdin > "$TMP/install.log" 2>&1 <<'YML' || { cat "$TMP/install.log" >&2; exit 1; }
- name: Install
  hosts: all
  gather_facts: false
  tasks:
    - name: Install the agent
      ansible.builtin.include_role:
        name: conntrack_guard
        tasks_from: install
YML
ms() { local s e; s=${EPOCHREALTIME/[.,]/}; "$@" > "$TMP/out" 2>&1 || { echo "failed: $* ($(tail -c 300 "$TMP/out"))" >&2; exit 1; }; e=${EPOCHREALTIME/[.,]/}; echo $(( (e - s) / 1000 )); }
run_sysctl() { ms ansible-playbook -i inventories/local --check "$TMP/sysctl.yml"; }
run_role() { ms ansible-playbook -i inventories/local --check "${VARS[@]}" "$TMP/role.yml"; }
run_adhoc_sysctl() { ms ansible -i inventories/local all --check -m ansible.posix.sysctl -a "name=net.netfilter.nf_conntrack_tcp_timeout_time_wait value=60 sysctl_file=$TMP/sysctl.conf"; }
run_adhoc_module() { ms ansible -i inventories/local all -m conntrack_guard -a "action=check fail_on=never executable=$TMP/opt/bin/ctguard state_dir=$TMP/state"; }
run_jvm() { ms "$TMP/opt/bin/ctguard" check --json --state-dir "$TMP/state" --kernel-log /dev/null || true; }
names=(sysctl role adhoc_sysctl adhoc_module jvm)
declare -A res
for name in "${names[@]}"; do run_"$name" > /dev/null; done   # warm-up
for r in $(seq "$RUNS"); do
    for k in $(seq 0 $(( ${#names[@]} - 1 ))); do
        name=${names[$(( (r + k) % ${#names[@]} ))]}
        res[$name]+="$(run_"$name") "
    done
    printf '\rbench/ansible.sh: run %d/%d' "$r" "$RUNS" >&2
done
printf '\r%40s\r' '' >&2
median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for name in "${names[@]}"; do declare "m_$name=$(median "${res[$name]}")"; done
echo "localhost, check mode, $RUNS runs each, medians (ms)"
printf '%-48s %8s\n' "3 x ansible.posix.sysctl tasks" "$m_sysctl" "role prepare (installed, as upgrade.yml)" "$m_role" \
    "ad hoc -m ansible.posix.sysctl --check" "$m_adhoc_sysctl" "ad hoc -m conntrack_guard -a action=check" "$m_adhoc_module" \
    "ctguard check --json alone (the bundle's JVM)" "$m_jvm"
awk -v r="$m_role" -v s="$m_sysctl" 'BEGIN { x = r / s; printf "%s role prepare vs sysctl tasks: %.2fx (target <= 1.2x)\n", (x <= 1.2 ? "PASS" : "MISS"), x }'
awk -v m="$m_adhoc_module" -v s="$m_adhoc_sysctl" 'BEGIN { x = m / s; printf "%s ad hoc module check vs ad hoc sysctl: %.2fx (target <= 1.15x)\n", (x <= 1.15 ? "PASS" : "MISS"), x }'
awk -v j="$m_jvm" -v m="$m_adhoc_module" 'BEGIN { printf "the JVM is %.0f%% of the ad hoc module check\n", 100 * j / m }'
