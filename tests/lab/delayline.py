#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A userspace Ethernet delay line: a lab member "on the neighbouring island".

usage: delayline.py --tap eth0 --lan lan0 --delay-ms N
                    [--max-frames 10000] [--max-bytes 33554432]

Run inside a member's namespace (tests/lab/lib.sh's lab_add_node does it
when LAB_DELAY_MS[NAME] is set).  It relays every Ethernet frame between
the TAP device TAP (the member's interface, with its addresses) and the
veth LAN (plugged into the lab's LAN bridge), both ways, each way delayed
by N/2 ms: the round trip through it takes N ms more, and the route
server measures a real TCP RTT to the member.

Why: the kernels the lab runs on need not have sch_netem (`tc qdisc add
... netem delay` fails with "Specified qdisc kind is unknown") and may not
load modules, but /dev/net/tun and AF_PACKET are always there.

How: it attaches to the existing (persistent) TAP (TUNSETIFF with
IFF_TAP|IFF_NO_PI: the TAP has carrier only while we hold it) and reads
LAN through an AF_PACKET SOCK_RAW ETH_P_ALL socket bound to it (ignoring
PACKET_OUTGOING: our own sends).  Frames wait in one FIFO per direction
(the delay is constant, so arrival order is due order), a poll timeout
wakes us when the oldest is due.  LAN's carrier is mirrored onto the TAP
(TUNSETCARRIER, driven by rtnetlink link events), so pulling the switch
port (lab_port NAME down) takes the member's eth0 carrier away, as it does
for a member plugged in directly.

The frames arriving at LAN must be complete: the switch's port of this
member (the bridge side of the veth) needs its offloads off (lib.sh:
`ethtool -K NAME tx off tso off gso off`), or frames of the route server
would arrive with TCP checksums not yet computed and as GSO super-frames,
which the TAP would hand to the member's stack as they are (dropped).
Such frames are relayed anyway but counted ("csum_partial") and reported.

Hostile input: the queues are bounded (--max-frames and --max-bytes per
direction; beyond that frames are dropped and counted), as is the frame
size (64 KiB + headers; longer ones are counted and dropped).

One line on stderr at start, one with the counters at exit (SIGTERM or
SIGINT: clean exit, status 0).
"""

import argparse
import collections
import errno
import fcntl
import os
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
TUNSETCARRIER = 0x400454E2          # _IOW('T', 226, int), Linux >= 5.0
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_LOWER_UP = 0x10000

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_CSUMNOTREADY = 1 << 3
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6
AUXDATA = struct.Struct("=IIIHHHH")  # struct tpacket_auxdata

NETLINK_ROUTE = 0
RTMGRP_LINK = 1
RTM_NEWLINK = 16
RTM_GETLINK = 18
NLM_F_REQUEST = 1
NLMSGHDR = struct.Struct("=IHHII")
IFINFOMSG = struct.Struct("=BxHiII")

FRAME_MAX = 65536 + 64               # an IPv4/IPv6 packet + Ethernet/VLAN headers
BATCH = 64                           # frames read per source per wake-up


def log(msg):
    print("delayline: " + msg, file=sys.stderr, flush=True)


class Direction:
    """One way through the delay line: a bounded FIFO of (due, frame)."""

    def __init__(self, name, max_frames, max_bytes):
        self.name = name
        self.q = collections.deque()
        self.bytes = 0
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        self.relayed = 0
        self.dropped_full = 0
        self.send_errors = 0

    def push(self, due, frame):
        if len(self.q) >= self.max_frames or self.bytes + len(frame) > self.max_bytes:
            self.dropped_full += 1
            return
        self.q.append((due, frame))
        self.bytes += len(frame)

    def flush(self, now, send):
        q = self.q
        while q and q[0][0] <= now:
            _, frame = q.popleft()
            self.bytes -= len(frame)
            try:
                send(frame)
                self.relayed += 1
            except OSError:
                # the TAP is down (EIO), the veth has no peer up (ENOBUFS,
                # ENETDOWN...): lost, like on a real wire
                self.send_errors += 1

    def next_due(self):
        return self.q[0][0] if self.q else None

    def stats(self):
        return "%s relayed %d dropped(queue full) %d send-errors %d" % (
            self.name, self.relayed, self.dropped_full, self.send_errors)


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    ifr = struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


def open_lan(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    for opt, size in ((getattr(socket, "SO_RCVBUFFORCE", 33), 4 << 20),
                      (getattr(socket, "SO_SNDBUFFORCE", 32), 4 << 20)):
        try:
            s.setsockopt(socket.SOL_SOCKET, opt, size)
        except OSError:
            pass
    s.setblocking(False)
    return s


class Carrier:
    """Mirrors the carrier of the veth LAN onto the TAP (rtnetlink events)."""

    def __init__(self, lan, tapfd):
        self.ifindex = socket.if_nametoindex(lan)
        self.tapfd = tapfd
        self.state = None
        self.works = True
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        self.sock.bind((0, RTMGRP_LINK))
        self.sock.setblocking(False)
        self.ask()

    def ask(self):
        body = IFINFOMSG.pack(socket.AF_UNSPEC, 0, self.ifindex, 0, 0)
        hdr = NLMSGHDR.pack(NLMSGHDR.size + len(body), RTM_GETLINK, NLM_F_REQUEST, 1, 0)
        self.sock.send(hdr + body)

    def readable(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno == errno.ENOBUFS:     # events lost: ask again
                    self.ask()
                    continue
                raise
            off = 0
            while off + NLMSGHDR.size <= len(data):
                ln, typ, _, _, _ = NLMSGHDR.unpack_from(data, off)
                if ln < NLMSGHDR.size:
                    break
                if typ == RTM_NEWLINK and ln >= NLMSGHDR.size + IFINFOMSG.size:
                    _, _, idx, flags, _ = IFINFOMSG.unpack_from(data, off + NLMSGHDR.size)
                    if idx == self.ifindex:
                        self.set(bool(flags & IFF_LOWER_UP))
                off += (ln + 3) & ~3

    def set(self, up):
        if up == self.state or not self.works:
            return
        try:
            fcntl.ioctl(self.tapfd, TUNSETCARRIER, struct.pack("i", int(up)))
        except OSError as e:
            self.works = False
            log("cannot mirror the carrier (TUNSETCARRIER: %s)" % e.strerror)
            return
        if self.state is not None:
            log("carrier %s" % ("up" if up else "down"))
        self.state = up


def main():
    ap = argparse.ArgumentParser(description="userspace Ethernet delay line between a TAP and a veth")
    ap.add_argument("--tap", required=True, help="existing TAP device (the member's interface)")
    ap.add_argument("--lan", required=True, help="veth plugged into the LAN")
    ap.add_argument("--delay-ms", type=float, required=True, help="round-trip delay added (ms)")
    ap.add_argument("--max-frames", type=int, default=10000, help="queue limit per direction (frames)")
    ap.add_argument("--max-bytes", type=int, default=32 << 20, help="queue limit per direction (bytes)")
    a = ap.parse_args()
    if not 0 <= a.delay_ms <= 60000:
        ap.error("--delay-ms must be within 0..60000")
    if a.max_frames < 1 or a.max_bytes < FRAME_MAX:
        ap.error("--max-frames must be >= 1, --max-bytes >= %d" % FRAME_MAX)
    one_way = a.delay_ms / 2000.0

    stop = []
    rfd, wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wfd)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, f: stop.append(s))

    tap = open_tap(a.tap)
    lan = open_lan(a.lan)
    carrier = Carrier(a.lan, tap)
    to_lan = Direction("%s->%s" % (a.tap, a.lan), a.max_frames, a.max_bytes)
    to_tap = Direction("%s->%s" % (a.lan, a.tap), a.max_frames, a.max_bytes)
    oversize = 0
    csum_partial = 0

    ep = select.epoll()
    ep.register(tap, select.EPOLLIN)
    ep.register(lan.fileno(), select.EPOLLIN)
    ep.register(carrier.sock.fileno(), select.EPOLLIN)
    ep.register(rfd, select.EPOLLIN)
    log("%s <-> %s, %g ms round trip (%g ms each way), queues %d frames / %d bytes per direction" % (
        a.tap, a.lan, a.delay_ms, one_way * 1000, a.max_frames, a.max_bytes))

    def send_tap(frame):
        os.write(tap, frame)

    ancsize = socket.CMSG_SPACE(AUXDATA.size)
    while not stop:
        now = time.monotonic()
        to_lan.flush(now, lan.send)
        to_tap.flush(now, send_tap)
        dues = [d for d in (to_lan.next_due(), to_tap.next_due()) if d is not None]
        timeout = max(0.0, min(dues) - now) if dues else None
        for fd, _ in ep.poll(timeout):
            if fd == tap:
                for _ in range(BATCH):
                    try:
                        frame = os.read(tap, FRAME_MAX)
                    except (BlockingIOError, InterruptedError):
                        break
                    to_lan.push(time.monotonic() + one_way, frame)
            elif fd == lan.fileno():
                for _ in range(BATCH):
                    try:
                        frame, anc, flags, addr = lan.recvmsg(FRAME_MAX, ancsize, socket.MSG_TRUNC)
                    except (BlockingIOError, InterruptedError):
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    if flags & socket.MSG_TRUNC:
                        oversize += 1
                        continue
                    for level, typ, data in anc:
                        if level != SOL_PACKET or typ != PACKET_AUXDATA or len(data) < AUXDATA.size:
                            continue
                        status, _, _, _, _, tci, tpid = AUXDATA.unpack_from(data)
                        if status & TP_STATUS_CSUMNOTREADY:
                            if not csum_partial:
                                log("frames from %s with checksums not computed: offloads on "
                                    "the switch port (ethtool -K PORT tx off tso off gso off)?" % a.lan)
                            csum_partial += 1
                        if status & TP_STATUS_VLAN_VALID:   # tag stripped into metadata: put it back
                            if not status & TP_STATUS_VLAN_TPID_VALID:
                                tpid = 0x8100
                            frame = frame[:12] + struct.pack("!HH", tpid, tci) + frame[12:]
                    to_tap.push(time.monotonic() + one_way, frame)
            elif fd == carrier.sock.fileno():
                carrier.readable()
            elif fd == rfd:
                try:
                    os.read(rfd, 512)
                except BlockingIOError:
                    pass
    try:   # struct tpacket_stats: frames the kernel dropped (receive buffer full)
        kdrops = struct.unpack("=II", lan.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
    except OSError:
        kdrops = -1
    log("stopped (signal %d): %s; %s; oversize %d, csum_partial %d, %s receive buffer drops %d" % (
        stop[0], to_lan.stats(), to_tap.stats(), oversize, csum_partial, a.lan, kdrops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
