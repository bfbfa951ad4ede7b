#!/usr/bin/env bash
# Test hosts for `ctguard fleet`: network namespaces that each run their own OpenSSH sshd, reached from
# this namespace over a veth pair (10.214.N.2), with a client key, per-host host keys and a known_hosts
# file in DIR, and an Ansible YAML inventory DIR/inventory.yml listing them.
#
#   scripts/sshd-hosts.sh up DIR N     create N hosts (1..20) ctg-fleet-1..N
#   scripts/sshd-hosts.sh down DIR     stop their sshd and delete the namespaces (safe when absent)
#
# Root only. Traffic goes only to the namespaces' own addresses.
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[[ -n $cmd && -n $dir ]] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
sshd=$(command -v sshd || echo /usr/sbin/sshd)

down() {
    for pidfile in "$dir"/ns*/sshd.pid; do
        [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    for ns in $(ip netns list | awk '{print $1}' | grep '^ctg-fleet-' || true); do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
        for _ in $(seq 50); do [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break; sleep 0.1; done
        ip netns del "$ns" 2>/dev/null || true
    done
    # a namespace still held by a process keeps its veth pair: remove the host side explicitly
    for link in $(ip -o link show | grep -o 'ctg-fv[0-9]*' | sort -u); do ip link del "$link" 2>/dev/null || true; done
    rm -rf "$dir"
}

up() {
    local n=$1
    [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 20 ]] || { echo "sshd-hosts: N must be 1..20" >&2; exit 64; }
    [[ -x $sshd ]] || { echo "sshd-hosts: $sshd missing: apt-get install openssh-server" >&2; exit 69; }
    down
    mkdir -p "$dir" /run/sshd
    chmod 700 "$dir"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
    cp "$dir/client_key.pub" "$dir/authorized_keys"
    : > "$dir/known_hosts"
    {
        echo "all:"
        echo "  vars:"
        echo "    ansible_user: root"
        echo "    ansible_ssh_private_key_file: $dir/client_key"
        echo "  hosts:"
    } > "$dir/inventory.yml"
    for i in $(seq "$n"); do
        local ns=ctg-fleet-$i host=$dir/ns$i addr=10.214.$i.2
        mkdir -p "$host"
        ssh-keygen -q -t ed25519 -N '' -f "$host/host_key"
        ip netns add "$ns"
        ip link add "ctg-fv$i" type veth peer name "ctg-fp$i"
        ip link set "ctg-fp$i" netns "$ns"
        ip addr add "10.214.$i.1/30" dev "ctg-fv$i"
        ip link set "ctg-fv$i" up
        ip -n "$ns" addr add "$addr/30" dev "ctg-fp$i"
        ip -n "$ns" link set "ctg-fp$i" up
        ip -n "$ns" link set lo up
        cat > "$host/sshd_config" <<CONF
ListenAddress $addr
HostKey $host/host_key
PidFile $host/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
CONF
        ip netns exec "$ns" "$sshd" -f "$host/sshd_config" -E "$host/sshd.log"
        echo "$addr $(cut -d' ' -f1-2 "$host/host_key.pub")" >> "$dir/known_hosts"
        printf '    ns%s:\n      ansible_host: %s\n' "$i" "$addr" >> "$dir/inventory.yml"
    done
}

case $cmd in
    up) up "${3:-3}" ;;
    down) down ;;
    *) echo "sshd-hosts: unknown command $cmd (up or down)" >&2; exit 64 ;;
esac
