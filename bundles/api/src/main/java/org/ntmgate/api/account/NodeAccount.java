package org.ntmgate.api.account;

import java.time.Instant;

/**
 * One node account of the Account Server.
 *
 * @param fqdn the node's name, lower case, without the trailing dot
 * @param nodeId its node id (protocol.md 4.6), never 0
 * @param created when the account was made, or null for an account older than that record
 * @param lastLogin its last successful login, or null when it never logged in
 * @param enabled whether it may log in
 * @param configurationPid the configuration of factory PID {@code org.ntmgate.as.account} that defines it, or null
 *            when it was made with the {@code as:add} command (kept in the AS's account file only)
 */
public record NodeAccount(String fqdn, long nodeId, Instant created, Instant lastLogin, boolean enabled, String configurationPid) {
}
