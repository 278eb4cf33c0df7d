/**
 * The NTMobile wire protocol of {@code docs/protocol.md}, version 1: {@link org.ntmgate.wire.Message} and its TLVs,
 * {@link org.ntmgate.wire.MessageCodec} (framing and HMAC-SHA-256, sections 2 and 5.2),
 * {@link org.ntmgate.wire.ReplayWindow} (section 6), {@link org.ntmgate.wire.PathCipher} (DATA packets sealed with
 * AES-256-GCM, sections 2.4 and 5.4), {@link org.ntmgate.wire.KeySealer} (section 5.3), and Netty handlers
 * that a role puts in its UDP pipeline. Only the JDK's own cryptography is used.
 *
 * <p>A decoder given any bytes returns a message or throws {@link org.ntmgate.wire.WireDecodeException}; nothing
 * else escapes.
 */
@Export
@Version("1.6.0")
package org.ntmgate.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
