import os, socket, struct, time, ipaddress, sys
us = ipaddress.IPv6Address(sys.argv[1]).packed; ports = {'198.51.100.10': int(sys.argv[2]), '198.51.100.1': int(sys.argv[3])}
native = ipaddress.IPv6Address('2001:db8:1::80').packed
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
def ip4(src, sport, payload):
    udp = struct.pack('!HHHH', sport, ports[src], 8 + len(payload), 0) + payload
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, socket.inet_aton(src), socket.inet_aton('198.51.100.2')) + udp
def v6(src, dst, payload=b'', nh=59): return struct.pack('!IHBB', 0x60000000, len(payload), nh, 64) + src + dst + payload
def origin(a, p): return b'\x00\x00' + struct.pack('!H', p ^ 0xffff) + bytes(x ^ 0xff for x in a)
end = time.time() + 4; n = 0
while time.time() < end:
    fake = b'\x20\x01\x00\x00' + os.urandom(12)
    stranger = b'\x20\x01\x0d\xb8\x00\x99' + os.urandom(10)
    relay = [v6(fake, us, os.urandom(20), 17), v6(stranger, us, os.urandom(20), 17), v6(native, stranger, os.urandom(20), 17),
             os.urandom(n % 60), v6(native, us, os.urandom(20), 17)[:30]]
    server = [origin(os.urandom(4), n % 65536) + v6(fake, us), origin(bytes([10, 1, 2, 3]), 9) + v6(fake, us),
              b'\x00\x01\x00\x00' + os.urandom(9) + v6(fake, us), os.urandom(n % 50)]
    for b in relay: s.sendto(ip4('198.51.100.1', 3545, b), ('198.51.100.2', 0)); n += 1
    for b in server: s.sendto(ip4('198.51.100.10', 3544, b), ('198.51.100.2', 0)); n += 1
print('sent', n)
