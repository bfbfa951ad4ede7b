#!/usr/bin/env python3
"""Writes a realistic conntrack entry list for bench/top.sh: N entries in the /proc/net/nf_conntrack form
(--format proc) or the conntrack -L -o extended one (--format conntrack), deterministic for a seed.

The mix is an OpenStack network node's: 60 % TCP (half ESTABLISHED and ASSURED, a third TIME_WAIT, a few
SYN_SENT and unreplied), 35 % UDP (VXLAN 4789, GENEVE 6081, DNS, the rest random ports), 5 % ICMP;
a fifth IPv6; sources spread over 10.0.0.0/8 and 172.16.0.0/12 (more /24s than top counts exactly, so
its heavy-hitter sketch is exercised), a few popular destinations; 30 % in Neutron zones 1-500; marks.
"""
import argparse
import random
import sys

parser = argparse.ArgumentParser()
parser.add_argument("count", type=int)
parser.add_argument("--format", choices=["proc", "conntrack"], default="proc")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()
rnd = random.Random(args.seed)
proc = args.format == "proc"
out = sys.stdout
write = out.write

popular4 = ["192.0.2.%d" % i for i in range(1, 21)]
popular6 = ["2001:db8:0:%x::%x" % (i, i) for i in range(1, 21)]


def v6(a):
    if not proc:
        return a
    # /proc prints every group in full
    head, _, tail = a.partition("::")
    h = head.split(":") if head else []
    t = tail.split(":") if tail else []
    groups = h + ["0"] * (8 - len(h) - len(t)) + t
    return ":".join(g.zfill(4) for g in groups)


buf = []
for n in range(args.count):
    six = rnd.random() < 0.2
    if six:
        src = v6("fd00:%x:%x::%x" % (rnd.randrange(65536), rnd.randrange(4096), rnd.randrange(1, 65536)))
        dst = v6(rnd.choice(popular6) if rnd.random() < 0.7 else "2001:db8:ff:%x::1" % rnd.randrange(65536))
        l3 = "ipv6     10 "
    else:
        if rnd.random() < 0.8:
            src = "10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256), rnd.randrange(1, 255))
        else:
            src = "172.%d.%d.%d" % (rnd.randrange(16, 32), rnd.randrange(256), rnd.randrange(1, 255))
        dst = rnd.choice(popular4) if rnd.random() < 0.7 else "198.51.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255))
        l3 = "ipv4     2 "
    r = rnd.random()
    zone = rnd.randrange(1, 501) if rnd.random() < 0.3 else 0
    mark = rnd.choice((0, 0, 0, 1, 16, 0x4000))
    sport = rnd.randrange(1024, 65536)
    tail_zone = (" zone=%d" % zone) if (proc or zone) else ""
    if r < 0.6:
        s = rnd.random()
        if s < 0.5:
            state, timeout, flag = "ESTABLISHED", rnd.randrange(400000, 432000), "[ASSURED] "
        elif s < 0.83:
            state, timeout, flag = "TIME_WAIT", rnd.randrange(1, 120), "[ASSURED] "
        elif s < 0.9:
            state, timeout, flag = "SYN_SENT", rnd.randrange(1, 120), ""
        else:
            state, timeout, flag = "CLOSE_WAIT", rnd.randrange(1, 60), "[ASSURED] "
        dport = rnd.choice((443, 443, 80, 5672, 3306, 9696, 8774, 22)) if rnd.random() < 0.8 else rnd.randrange(1, 65536)
        unreplied = "[UNREPLIED] " if state == "SYN_SENT" else ""
        line = "%s%stcp      6 %d %s src=%s dst=%s sport=%d dport=%d %ssrc=%s dst=%s sport=%d dport=%d %smark=%d%s use=1\n" % (
            l3 if proc or rnd.random() < 0.5 else l3, "", timeout, state, src, dst, sport, dport, unreplied, dst, src, dport, sport,
            flag, mark, tail_zone)
    elif r < 0.95:
        u = rnd.random()
        dport = 4789 if u < 0.3 else 6081 if u < 0.4 else 53 if u < 0.6 else rnd.randrange(1, 65536)
        replied = rnd.random() < 0.6
        line = "%sudp      17 %d src=%s dst=%s sport=%d dport=%d %ssrc=%s dst=%s sport=%d dport=%d %smark=%d%s use=1\n" % (
            l3, rnd.randrange(1, 180), src, dst, sport, dport, "" if replied else "[UNREPLIED] ", dst, src, dport, sport,
            "[ASSURED] " if replied and rnd.random() < 0.5 else "", mark, tail_zone)
    else:
        ident = rnd.randrange(65536)
        proto = "icmpv6   58" if six else "icmp     1"
        line = "%s%s %d src=%s dst=%s type=%d code=0 id=%d src=%s dst=%s type=%d code=0 id=%d mark=%d%s use=1\n" % (
            l3, proto, rnd.randrange(1, 30), src, dst, 128 if six else 8, ident, dst, src, 129 if six else 0, ident, mark, tail_zone)
    buf.append(line)
    if len(buf) >= 10000:
        write("".join(buf))
        buf.clear()
write("".join(buf))
