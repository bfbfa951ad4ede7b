#!/usr/bin/env bash
# Runs the command of an installed ctguard-textfile.service (its ExecStart, as the timer would) and has a
# real node_exporter on 127.0.0.1 scrape the textfile it wrote: node_textfile_scrape_error must be 0 and
# every ctguard metric family of the file must be in the scrape. node_exporter is stopped by its pid.
# Usage: tests/monitoring/scrape-textfile.sh PATH/ctguard-textfile.service
set -euo pipefail
unit=${1:?usage: $0 PATH/ctguard-textfile.service}
exporter=$(command -v prometheus-node-exporter || command -v node_exporter) || { echo "node_exporter is missing: run 'make deps'" >&2; exit 1; }

exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || { echo "$unit has no ExecStart" >&2; exit 1; }
# the role writes the line with shell quoting (the quote filter), which systemd's own splitting agrees with
eval "argv=($exec_start)"
file=
for ((i = 0; i < ${#argv[@]}; i++)); do
    [ "${argv[i]}" = --prometheus-file ] && file=${argv[i + 1]}
done
[ -n "$file" ] || { echo "$unit: ExecStart has no --prometheus-file" >&2; exit 1; }
# SuccessExitStatus=1 2: a WARNING or CRITICAL verdict is not the unit's failure
rc=0; "${argv[@]}" >/dev/null || rc=$?
case $rc in 0|1|2) ;; *) echo "the unit's command failed with exit code $rc" >&2; exit 1 ;; esac
[ -s "$file" ] || { echo "the unit's command did not write $file" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$exporter" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$(dirname "$file")" >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT

scrape=
for _ in $(seq 1 50); do
    scrape=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' \
        "http://127.0.0.1:$port/metrics" 2>/dev/null) && break
    sleep 0.2
done
[ -n "$scrape" ] || { echo "node_exporter on 127.0.0.1:$port did not answer" >&2; exit 1; }

grep -qx 'node_textfile_scrape_error 0' <<<"$scrape" || { echo "node_textfile_scrape_error is not 0:" >&2; grep node_textfile <<<"$scrape" >&2; exit 1; }
# the families with samples in the file (a family may be empty, e.g. no other namespace has entries)
missing=()
while read -r family; do
    grep -q "^$family[ {]" <<<"$scrape" || missing+=("$family")
done < <(grep -o '^ctguard_[a-z_]*' "$file" | sort -u)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "node_exporter did not expose: ${missing[*]}" >&2
    exit 1
fi
echo "node_exporter scraped $file: node_textfile_scrape_error 0, $(grep -o '^ctguard_[a-z_]*' "$file" | sort -u | wc -l) ctguard families"
