package org.ntmgate.rsn.impl;

import java.util.function.LongSupplier;

import org.ntmgate.tun.PacketQueue;

/** What the RS-N's handlers share: its settings, its paths, the TUN queue, its counters and its clock. */
record RelayParts(RsnSettings settings, RelayPaths paths, PacketQueue queue, RelayCounters counters, LongSupplier clock) {
}
