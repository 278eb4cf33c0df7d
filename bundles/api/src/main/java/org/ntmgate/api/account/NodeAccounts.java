package org.ntmgate.api.account;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A configured Account Server's accounts. Accounts are written as configurations of factory PID
 * {@link #ACCOUNT_FACTORY_PID} (through ConfigAdmin, like every other setting), whose {@code credential} is what
 * {@link #credential} makes of a password; this service reads them back with what only the AS knows (node id,
 * creation, last login) and removes the accounts that no configuration holds.
 */
@ProviderType
public interface NodeAccounts {
    /** The factory PID of account configurations: {@code fqdn}, {@code credential}, {@code enabled}. */
    String ACCOUNT_FACTORY_PID = "org.ntmgate.as.account";

    /** Every account, by FQDN. */
    List<NodeAccount> accounts();

    /**
     * The credential an account configuration holds for {@code password} ({@code {pbkdf2-sha256}iterations$salt$key},
     * protocol.md 4.1), with the AS's iteration count; IllegalArgumentException when the password is shorter than 8.
     */
    String credential(String password);

    /**
     * Removes an account that no configuration defines (one made with {@code as:add}); revokes it (protocol.md 4.7).
     * False when there is no such account; IllegalArgumentException when a configuration defines it (delete that).
     */
    boolean delete(String fqdn) throws IOException;
}
