#!/usr/bin/env python3
"""Helper for bench/memory-model.sh (not run on its own).

  memory_model.py fill N DEADLINE_S [listen]
      Run INSIDE the test namespace: send one 1-byte UDP datagram per distinct 5-tuple to
      127.0.0.1 (ports 1024-65535, one socket per 64512 ports, socket k bound to 127.0.0.(k+2)),
      N datagrams in all, stopping early at DEADLINE_S seconds. Prints "sent S seconds T".
      With "listen", a ctnetlink event listener (NETLINK_NETFILTER bound to the conntrack NEW
      group) stays open during the fill, as conntrackd or `conntrack -E` would.

  memory_model.py row LABEL N_REQ COUNT ENTRY_B BEFORE_DIR AFTER_DIR
      Compare two snapshots (slabinfo, meminfo) and print one tab-separated result record:
      the figures the shell script puts in its tables.
"""
import socket
import sys
import time

PORT_LO, PORT_HI = 1024, 65535


NETLINK_NETFILTER = 12
NFNLGRP_CONNTRACK_NEW = 1


def fill(n, deadline_s, listen=False):
    listener = None
    if listen:
        listener = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # overflows at once: cheap
        listener.bind((0, 1 << (NFNLGRP_CONNTRACK_NEW - 1)))
    ports = PORT_HI - PORT_LO + 1
    socks = []
    sent = errors = 0
    first_error = None
    t0 = time.monotonic()
    stop = t0 + deadline_s
    payload = b"x"
    while sent < n and time.monotonic() < stop:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # each socket from its own source address: a reply tuple of one socket's entries can never
        # be another socket's original tuple (ephemeral ports fall inside the destination range)
        s.bind(("127.0.0.%d" % (len(socks) + 2), 0))
        socks.append(s)
        batch = min(ports, n - sent)
        send = s.sendto
        for i in range(batch):
            try:
                send(payload, ("127.0.0.1", PORT_LO + i))
            except OSError:  # ECONNREFUSED from an earlier ICMP error, ENOBUFS: retry once
                try:
                    send(payload, ("127.0.0.1", PORT_LO + i))
                except OSError as e:
                    errors += 1
                    first_error = first_error or e.strerror
                    continue
            sent += 1
            if (i & 4095) == 0 and time.monotonic() >= stop:
                break
    for s in socks:
        s.close()
    if listener is not None:
        listener.close()
    print("sent %d seconds %.2f" % (sent, time.monotonic() - t0)
          + (" failed %d (%s)" % (errors, first_error) if errors else ""))


def slabinfo(path):
    caches = {}
    with open(path) as f:
        for line in f:
            if line.startswith(("slabinfo", "#")):
                continue
            name, rest = line.split(None, 1)
            head, _, tail = rest.partition(":")
            active, num, objsize, perslab, pages = (int(x) for x in head.split()[:5])
            slabs = int(tail.split(":")[1].split()[2]) if tail.count(":") >= 1 else 0
            caches[name] = dict(active=active, num=num, objsize=objsize, pages=pages, slabs=slabs)
    return caches


def meminfo(path):
    out = {}
    with open(path) as f:
        for line in f:
            k, v = line.split(":", 1)
            out[k] = int(v.split()[0]) * 1024
    return out


def row(label, n_req, count, entry_b, before, after):
    b, a = slabinfo(before + "/slabinfo"), slabinfo(after + "/slabinfo")
    mb, ma = meminfo(before + "/meminfo"), meminfo(after + "/meminfo")

    def delta(name):
        x, y = b.get(name), a.get(name)
        if x is None or y is None:
            return 0, 0, 0
        obj = (y["active"] - x["active"]) * y["objsize"]
        alloc = (y["num"] - x["num"]) * y["objsize"]
        pages = (y["slabs"] - x["slabs"]) * y["pages"] * 4096
        return obj, alloc, pages

    ct_obj, ct_alloc, ct_pages = delta("nf_conntrack")
    km = {n: delta(n) for n in a if n.startswith("kmalloc-")}
    km_obj = sum(v[0] for v in km.values())
    km_pages = sum(v[2] for v in km.values())
    # the kmalloc caches that grew most, with their growth per entry (where extensions land)
    top = sorted(((v[0], n) for n, v in km.items() if v[0] > 0), reverse=True)[:3]
    top_s = ",".join("%s:+%d(%.1fB/e)" % (n, d, d / count if count else 0) for d, n in top) or "-"
    predicted = count * entry_b
    measured = ct_obj + km_obj
    pages = ct_pages + km_pages
    err = (measured - predicted) * 100.0 / predicted if predicted else float("nan")
    err_pages = (pages - predicted) * 100.0 / predicted if predicted else float("nan")
    fields = [
        label, n_req, count, entry_b, predicted, ct_obj, ct_alloc, ct_pages, km_obj, km_pages,
        measured, pages, "%.1f" % err, "%.1f" % err_pages,
        "%.1f" % (measured / count if count else 0),
        ma["Slab"] - mb["Slab"], ma["SUnreclaim"] - mb["SUnreclaim"],
        mb["MemAvailable"] - ma["MemAvailable"], top_s,
    ]
    print("\t".join(str(f) for f in fields))


def main(argv):
    if len(argv) >= 2 and argv[1] == "fill" and len(argv) in (4, 5):
        fill(int(argv[2]), float(argv[3]), len(argv) == 5 and argv[4] == "listen")
    elif len(argv) >= 2 and argv[1] == "row" and len(argv) == 8:
        row(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), argv[6], argv[7])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
