package org.ntmgate.api.account;

/**
 * The OSGi event an Account Server posts when an account is revoked: removed, disabled or given a new credential
 * (protocol.md 4.7). A DC in the same framework ends the node's registration and refuses its older tickets until
 * {@link #UNTIL}; an RS-N closes the node's paths.
 */
public final class AccountEvents {
    /** The topic. */
    public static final String REVOKED = "org/ntmgate/as/REVOKED";
    /** The node's FQDN (String). */
    public static final String FQDN = "fqdn";
    /** The node id (Long). */
    public static final String NODE_ID = "nodeId";
    /** When the last ticket issued before the revocation expires, in epoch milliseconds (Long). */
    public static final String UNTIL = "until";

    private AccountEvents() {
    }
}
