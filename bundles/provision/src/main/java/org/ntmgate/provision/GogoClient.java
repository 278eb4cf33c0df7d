package org.ntmgate.provision;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The client of a running gateway's command socket (the lifecycle bundle's, {@code run/gogo.sock} in its home): one
 * Gogo command sent as a line, its answer read to the end.
 */
public final class GogoClient {
    private GogoClient() {
    }

    /** What the gateway answered to {@code command}; IOException when nothing listens at {@code socket}. */
    public static String run(Path socket, String command) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer b = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                c.write(b);
            }
            c.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer r = ByteBuffer.allocate(8192);
            while (c.read(r) >= 0) {
                answer.write(r.array(), 0, r.position());
                r.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
