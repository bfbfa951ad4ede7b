#!/usr/bin/env bash
# Runs a command and puts the initial network namespace's conntrack tunables back afterwards, whatever
# the command did or however it ended (the test suites restore them themselves; this is the net under them).
set -euo pipefail
dir=/proc/sys/net/netfilter
names=(nf_conntrack_tcp_timeout_time_wait nf_conntrack_max nf_conntrack_buckets)
declare -A saved
for n in "${names[@]}"; do saved[$n]=$(cat "$dir/$n"); done
restore() {
    for n in "${names[@]}"; do
        if [[ $(cat "$dir/$n") != "${saved[$n]}" ]]; then
            echo "with-saved-tunables: putting $n back to ${saved[$n]}" >&2
            echo "${saved[$n]}" > "$dir/$n"
        fi
    done
}
trap restore EXIT
"$@"
