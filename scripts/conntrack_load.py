#!/usr/bin/env python3
"""Bounded TCP load on 127.0.0.1 for scripts/reproduce-table-full.sh.

Run it inside a network namespace (ip netns exec NS python3 conntrack_load.py ...): it listens on
127.0.0.1:PORT, opens COUNT non-blocking connections to itself and accepts them, so each established
flow is one ASSURED conntrack entry of that namespace (which the kernel will not early-drop). Connections
not established within --connect-window seconds (their SYNs were dropped) are given up. It then writes a
one-line JSON report to --report, holds the established flows until the --release file appears (or
--hold-max seconds pass) and closes every socket with RST (SO_LINGER 0), so the entries go to CLOSE and
expire after the namespace's nf_conntrack_tcp_timeout_close.

Everything is bounded: COUNT sockets, --connect-window seconds to connect, --hold-max seconds to hold.
It never connects anywhere but 127.0.0.1.
"""
import argparse
import errno
import json
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import time

LINGER_RST = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST


def rst_socket(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
    sock.setblocking(False)
    return sock


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, required=True, help="connections to open (1..30000)")
    p.add_argument("--port", type=int, required=True, help="listening port on 127.0.0.1")
    p.add_argument("--connect-window", type=float, default=3.0, help="seconds to wait for connections (max 30)")
    p.add_argument("--report", required=True, help="file to write the JSON report to (written atomically)")
    p.add_argument("--release", help="hold the flows until this file exists; without it, close at once")
    p.add_argument("--hold-max", type=float, default=60.0, help="hold at most this long (max 90)")
    a = p.parse_args()
    if not 1 <= a.count <= 30000 or not 0 < a.connect_window <= 30 or not 0 <= a.hold_max <= 90:
        p.error("out of bounds: --count 1..30000, --connect-window 0..30, --hold-max 0..90")

    # a TERM (the script's cleanup) ends the run through the finally below: every socket closed with RST
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    need = 2 * a.count + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            sys.exit("conntrack_load: needs %d file descriptors, the hard limit is %d (ulimit -Hn)" % (need, hard))
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))

    sel = selectors.DefaultSelector()
    listener = rst_socket(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", a.port))
    listener.listen(a.count + 64)  # capped by net.core.somaxconn of the namespace
    sel.register(listener, selectors.EVENT_READ, "listener")

    pending = {}      # fd -> socket, connect in progress
    established = []  # client sockets
    accepted = []     # server-side sockets
    failed = {}       # reason -> how many
    started = time.monotonic()
    deadline = started + a.connect_window
    report = {}

    def fail(reason):
        failed[reason] = failed.get(reason, 0) + 1

    def accept_all():
        while True:
            try:
                conn, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            accepted.append(rst_socket(conn))

    def poll(timeout):
        for key, _ in sel.select(timeout):
            if key.data == "listener":
                accept_all()
                continue
            sock = key.fileobj
            sel.unregister(sock)
            del pending[sock.fileno()]
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0:
                established.append(sock)
            else:
                fail(errno.errorcode.get(err, str(err)))
                sock.close()

    try:
        opened = 0
        while opened < a.count and time.monotonic() < deadline:
            # in batches, accepting in between, so the accept queue never overflows
            for _ in range(min(200, a.count - opened)):
                s = rst_socket(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                opened += 1
                err = s.connect_ex(("127.0.0.1", a.port))
                if err in (0, errno.EINPROGRESS):
                    pending[s.fileno()] = s
                    sel.register(s, selectors.EVENT_WRITE, "client")
                else:
                    fail(errno.errorcode.get(err, str(err)))
                    s.close()
            poll(0)
        while pending and time.monotonic() < deadline:
            poll(max(0.0, min(0.2, deadline - time.monotonic())))
        # whatever is still connecting had its SYNs dropped: give it up (a SYN_SENT socket closes silently)
        for s in list(pending.values()):
            sel.unregister(s)
            s.close()
            fail("not established within %gs" % a.connect_window)
        pending.clear()
        # the last handshakes may still sit in the accept queue
        settle = time.monotonic() + 1.0
        while len(accepted) < len(established) and time.monotonic() < settle:
            poll(0.05)
        report = {"attempted": opened, "established": len(established), "accepted": len(accepted),
                  "failed": sum(failed.values()), "failed_by_reason": failed,
                  "connect_seconds": round(time.monotonic() - started, 2)}
        tmp = a.report + ".tmp"
        with open(tmp, "w") as f:
            f.write(json.dumps(report) + "\n")
        os.rename(tmp, a.report)
        if a.release:
            hold_until = time.monotonic() + a.hold_max
            while not os.path.exists(a.release) and time.monotonic() < hold_until:
                poll(0.05)
    finally:
        for s in list(pending.values()) + established + accepted + [listener]:
            try:
                s.close()
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C: the sockets were closed (RST) on the way out
        sys.exit(130)
