#!/usr/bin/env bash
# ctguard top on the real kernel (make top-kernel), in two throw-away network namespaces joined by a veth
# pair: it counts what a namespace holds as /proc does, names the namespaces with --netns all, advises
# NOTRACK for the VXLAN traffic it sees, and the nft ruleset it prints really exempts that traffic in both
# directions (loaded into the namespace: no entry of the VXLAN flows is made there, and the flows still pass);
# VXLAN put in a conntrack zone beside a neutron-openvswi-* chain is refused; OVS's zone limits are shown
# where ovs-appctl answers (a stand-in script printing ovs-appctl's format: OVS itself is not installed here).
# Every piece of traffic stays inside the two namespaces; every load is bounded; the namespaces and their
# processes go on exit. No tunable of the initial namespace is touched.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JAR=${CTGUARD_JAR:-$REPO/java-agent/target/ctguard.jar}
[ -f "$JAR" ] || { echo "no $JAR: build it with 'make build'" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for tool in ip nft conntrack python3; do command -v "$tool" >/dev/null || { echo "$tool is missing: run 'make deps'" >&2; exit 1; }; done

A=ctguard-top-a-$$
B=ctguard-top-b-$$
WORK=$(mktemp -d /tmp/ctguard-top.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
ctguard() { java -XX:+UseSerialGC -jar "$JAR" "$@"; }
json() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

ip netns add "$A"
ip netns add "$B"
ip link add "va$$" type veth peer name "vb$$"
ip link set "va$$" netns "$A"
ip link set "vb$$" netns "$B"
ip -n "$A" addr add 10.99.0.1/24 dev "va$$"
ip -n "$B" addr add 10.99.0.2/24 dev "vb$$"
for ns in "$A" "$B"; do
    ip -n "$ns" link set lo up
    # conntrack tracks a namespace's traffic only once a hook asks for it: one counting rule does
    ip netns exec "$ns" nft -f - <<'EOF'
table inet ctguard_test {
    chain in {
        type filter hook input priority 0;
        ct state new counter
    }
}
EOF
done
ip -n "$A" link set "va$$" up
ip -n "$B" link set "vb$$" up

# B: a TCP listener on 8080 and UDP echo servers on 4789 (VXLAN's port) and 5353, each bounded in time
cat >"$WORK/servers.py" <<'EOF'
import select, socket, time
tcp = socket.socket(); tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); tcp.bind(("10.99.0.2", 8080)); tcp.listen(512)
udp = []
for port in (4789, 5353):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.99.0.2", port)); udp.append(u)
end = time.time() + 120
while time.time() < end:
    ready, _, _ = select.select([tcp] + udp, [], [], 0.5)
    for s in ready:
        if s is tcp:
            c, _ = tcp.accept(); c.close()
        else:
            data, peer = s.recvfrom(64); s.sendto(data, peer)
EOF
ip netns exec "$B" python3 "$WORK/servers.py" &
PIDS+=($!)
sleep 1

# A: bounded load: N TCP connections, N UDP flows to each UDP port (one source port each), a reply awaited
cat >"$WORK/load.py" <<'EOF'
import socket, sys
tcp, udp4789, udp5353 = (int(x) for x in sys.argv[1:4])
for _ in range(tcp):
    c = socket.create_connection(("10.99.0.2", 8080), timeout=2); c.close()
for port, n in ((4789, udp4789), (5353, udp5353)):
    for _ in range(n):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(2)
        u.sendto(b"x", ("10.99.0.2", port)); u.recvfrom(64); u.close()
EOF
ip netns exec "$A" timeout 60 python3 "$WORK/load.py" 300 200 50

ip netns exec "$A" cat /proc/net/nf_conntrack >"$WORK/a.proc"
ctguard top --netns "$A" --notrack-candidate udp/5353 --json >"$WORK/a.json"
proc_count=$(wc -l <"$WORK/a.proc")
entries=$(json "$WORK/a.json" "d['entries']")
vxlan=$(json "$WORK/a.json" "[p['count'] for p in d['top_dport'] if p['port'] == 4789][0]")
# two of the flows may share a tuple (a source port used again): /proc's own count is the truth
proc_vxlan=$(grep -c 'udp .* dport=4789 ' "$WORK/a.proc" || true)
proc_mdns=$(grep -c 'udp .* dport=5353 ' "$WORK/a.proc" || true)
if [ "$entries" = "$proc_count" ] && [ "$vxlan" = "$proc_vxlan" ] && [ "$vxlan" -gt 150 ] \
        && [ "$(json "$WORK/a.json" "d['malformed']['count']")" = 0 ]; then
    pass "top --netns $A: $entries entries as /proc/net/nf_conntrack there, $vxlan to udp/4789 as there, none malformed"
else
    fail "top --netns $A: $entries entries (proc: $proc_count), udp/4789: $vxlan (proc: $proc_vxlan)"
fi
advised=$(json "$WORK/a.json" "sorted((c['traffic'], c['entries']) for c in d['notrack']['candidates'])")
if [ "$advised" = "[('VXLAN', $proc_vxlan), ('udp/5353', $proc_mdns)]" ]; then pass "notrack advice: $advised"; else fail "notrack advice: $advised (proc: $proc_vxlan, $proc_mdns)"; fi

ctguard top --netns all --json >"$WORK/all.json"
if [ "$(json "$WORK/all.json" "sorted(k for k in d['by_netns'] if k in ('$A', '$B'))")" = "['$A', '$B']" ]; then
    pass "top --netns all names both namespaces: $(json "$WORK/all.json" "d['by_netns']")"
else
    fail "top --netns all: $(json "$WORK/all.json" "d['by_netns']")"
fi

# every printed ruleset is valid nftables; the VXLAN one, loaded into A, exempts both directions there
python3 - "$WORK/a.json" "$WORK" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["notrack"]["candidates"]:
    open("%s/%s.nft" % (sys.argv[2], c["traffic"].replace("/", "_")), "w").write("\n".join(c["nft"]) + "\n")
EOF
for f in "$WORK"/*.nft; do
    if out=$(ip netns exec "$A" nft -c -f "$f" 2>&1); then pass "nft -c accepts $(basename "$f")"; else fail "nft -c $(basename "$f"): $out"; fi
done
ip netns exec "$A" conntrack -F 2>/dev/null
ip netns exec "$A" nft -f "$WORK/VXLAN.nft"
ip netns exec "$A" timeout 60 python3 "$WORK/load.py" 20 100 0
after=$(ip netns exec "$A" cat /proc/net/nf_conntrack)
tracked_vxlan=$(grep -c 'port=4789' <<<"$after" || true)
tracked_tcp=$(grep -c 'dport=8080' <<<"$after" || true)
if [ "$tracked_vxlan" = 0 ] && [ "$tracked_tcp" -ge 20 ]; then
    pass "with the printed VXLAN ruleset, 100 echoed VXLAN flows left no entry in $A (requests and replies), TCP still tracked ($tracked_tcp)"
else
    fail "with the VXLAN ruleset: $tracked_vxlan VXLAN entries, $tracked_tcp TCP entries in $A"
fi

# Neutron: a chain named as its iptables-hybrid driver names them, and the VXLAN flows put in a conntrack
# zone as Neutron does per port; top run inside the namespace (its firewall is the namespace's) refuses
ip netns exec "$A" nft flush ruleset
ip netns exec "$A" nft -f - <<'EOF'
table inet ctguard_test {
    chain neutron-openvswi-i0a1b2c3d-4 {
    }
    chain out {
        type filter hook output priority -300;
        udp dport 4789 ct zone set 7
    }
    chain in {
        type filter hook prerouting priority -300;
        udp sport 4789 ct zone set 7
    }
}
EOF
ip netns exec "$A" conntrack -F 2>/dev/null
ip netns exec "$A" timeout 60 python3 "$WORK/load.py" 0 30 0
ip netns exec "$A" java -XX:+UseSerialGC -jar "$JAR" top --json >"$WORK/zoned.json"
refused=$(json "$WORK/zoned.json" "[(r['traffic'], 'neutron-openvswi' in r['reason'], 'stateless' in r['alternative']) for r in d['notrack']['refused']]")
zoned=$(json "$WORK/zoned.json" "d['by_zone'].get('7', 0)")
if [[ $refused == "[('VXLAN', True, True)]" ]] && [ "$zoned" -gt 0 ] \
        && [ "$(json "$WORK/zoned.json" "[c['traffic'] for c in d['notrack']['candidates'] if c['traffic'] == 'VXLAN']")" = "[]" ]; then
    pass "VXLAN in Neutron's zone 7 ($zoned entries) with neutron-openvswi chains: refused, the stateless alternative named"
else
    fail "zoned VXLAN: refused $refused, zone 7: $zoned"
fi

# OVS: where ovs-appctl answers, its zone limits stand beside the zone counts; where it is absent, nothing
mkdir -p "$WORK/ovs-bin"
printf '#!/bin/sh
[ "$1" = dpctl/ct-get-limits ] || exit 2
printf "default limit=0\nzone=7,limit=50000,count=30\n"
' >"$WORK/ovs-bin/ovs-appctl"
chmod +x "$WORK/ovs-bin/ovs-appctl"
ip netns exec "$A" env PATH="$WORK/ovs-bin:$PATH" java -XX:+UseSerialGC -jar "$JAR" top --json >"$WORK/ovs.json"
ip netns exec "$A" env PATH="$WORK/ovs-bin:$PATH" java -XX:+UseSerialGC -jar "$JAR" top --by zone >"$WORK/ovs.txt"
limits=$(json "$WORK/ovs.json" "d.get('ovs_zone_limits')")
if [ "$limits" = "{'default': 0, '7': 50000}" ] && grep -q 'OVS limit' "$WORK/ovs.txt" && grep -Eq '^7 +[0-9]+ +[0-9.]+% +50000$' "$WORK/ovs.txt" \
        && [ "$(json "$WORK/zoned.json" "'ovs_zone_limits' in d")" = False ]; then
    pass "ovs-appctl's zone limits beside the zone counts ($limits), and nothing of OVS without it"
else
    fail "OVS zone limits: $limits; $(cat "$WORK/ovs.txt")"
fi

[ "$failures" = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
echo "top on the real kernel: all checks passed"
