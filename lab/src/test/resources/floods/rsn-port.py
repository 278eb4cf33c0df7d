import os, socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 4
n = 0
while time.time() < end:
    for kind in range(5):
        if kind == 0: b = os.urandom(1 + n % 1400)
        elif kind == 1: b = bytes([0x10, 0x40, 0, 0]) + os.urandom(16 + 36 + n % 1300)
        elif kind == 2: b = bytes([0x10, 0x30]) + struct.pack('!H', 60) + os.urandom(56)
        elif kind == 3: b = bytes([0x10, 0x24]) + struct.pack('!H', 80) + os.urandom(76)
        else: b = os.urandom(n % 4)
        for port in (4710, 4711, 4712): s.sendto(b, ('198.51.100.1', port))
        n += 1
print('sent', n)
