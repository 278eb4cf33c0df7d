# UDP over IPv4 by name, as an IPv4-only host's application sends it (protocol.md 11.6); every wait is bounded.
# udp.py echo-server <port>            answers every datagram with itself, on [::]:<port> (the IPv6-only server)
# udp.py exchange <name> <port> [size] sends one datagram (of size bytes: larger than the MTU, it leaves in fragments)
#                                      to the name's IPv4 address; prints "echo <address>" when it came back whole
# udp.py options <name> <port>         as exchange, its datagrams carrying an IPv4 option (record route), which the
#                                      translation leaves out (RFC 7915 4.1)
# udp.py closed <name> <port>          sends to a closed port; prints "refused" when an ICMP error said so
# udp.py garbage <name>                sends what the node must count and drop (raw IPv4): a later fragment whose
#                                      datagram never began, and an IPv4 packet claiming to carry ICMPv6
import socket, struct, sys, random

def v4(name):
    return socket.getaddrinfo(name, None, socket.AF_INET, socket.SOCK_DGRAM)[0][4][0]

mode = sys.argv[1]
if mode == 'echo-server':
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(('::', int(sys.argv[2])))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)
elif mode in ('exchange', 'closed', 'options'):
    addr = v4(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.connect((addr, int(sys.argv[3])))
    payload = (b'ntmgate %d ' % random.randrange(1 << 30)).ljust(int(sys.argv[4]) if len(sys.argv) > 4 else 0, b'.')
    if mode == 'options':
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([7, 7, 4, 0, 0, 0, 0, 0]))  # record route, room for one hop
    if len(payload) > 1400:
        s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: DF off, fragments
    for attempt in range(3):
        s.send(payload)
        try:
            if s.recv(65535) == payload:
                print('echo', addr)
                break
        except ConnectionRefusedError:
            print('refused', addr)
            break
        except socket.timeout:
            continue
    else:
        print('no answer', addr)
elif mode == 'garbage':
    addr = socket.inet_aton(v4(sys.argv[2]))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    def header(proto, payload, flags):
        # the kernel fills in the source, the total length and the checksum (IP_HDRINCL)
        return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 0, random.randrange(65536), flags, 64, proto, 0, b'\0\0\0\0', addr) + payload
    s.sendto(header(17, b'\x13\x88\x00\x35' + b'x' * 28, 100), (socket.inet_ntoa(addr), 0))   # offset 800, no first fragment
    s.sendto(header(58, b'\x80\x00\x00\x00' + b'y' * 12, 0x4000), (socket.inet_ntoa(addr), 0))  # "ICMPv6" over IPv4
    print('sent 2')
