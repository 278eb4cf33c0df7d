package org.ntmgate.api.teredo;

import org.osgi.annotation.versioning.ProviderType;

/** A configured Teredo client's state, for the console and automation. */
@ProviderType
public interface TeredoClientView {
    /** Its qualification, NAT and peers now; null while the client is not running (see its RoleStatus). */
    TeredoClientState state();
}
