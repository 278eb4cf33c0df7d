package org.ntmgate.api.pool;

import java.math.BigInteger;
import java.time.Duration;

import org.ntmgate.api.net.Prefix;

/**
 * One configured pool as it stands now.
 *
 * @param name the pool's name (unique; it appears in every message about the pool)
 * @param prefix the addresses it hands out (network and, for IPv4, broadcast addresses are never handed out)
 * @param purpose who gets them
 * @param leaseTime how long a lease lasts unless renewed
 * @param capacity how many addresses it can hand out
 * @param leased how many are leased now
 */
public record PoolInfo(String name, Prefix prefix, PoolPurpose purpose, Duration leaseTime, BigInteger capacity, long leased) {
}
