# One DNS query, as an application's resolver sends it, to the resolver at 127.0.0.1 (40 s at the most).
# query.py <name> <type>        prints "<rcode> <number of answers>"
# query.py <name> 28 first      prints the first AAAA answer, or "none rcode <rcode>"
import socket, struct, random, sys, ipaddress
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(40)
name = b''.join(bytes([len(p)]) + p for p in sys.argv[1].encode().split(b'.')) + b'\0'
q = struct.pack('!HHHHHH', random.randrange(65536), 0x0100, 1, 0, 0, 0) + name + struct.pack('!HH', int(sys.argv[2]), 1)
s.sendto(q, ('127.0.0.1', 53))
r = s.recv(4096)
rcode = struct.unpack('!H', r[2:4])[0] & 15
answers = struct.unpack('!H', r[6:8])[0]
if len(sys.argv) > 3:
    print(ipaddress.IPv6Address(r[-16:]) if answers else 'none rcode %d' % rcode)
else:
    print(rcode, answers)
