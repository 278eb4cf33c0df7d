package org.ntmgate.lifecycle.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local socket that runs one shell command per connection, for a gateway running as a daemon (no terminal on
 * its standard input): {@code runtime/bin/ntmgate gogo <command>} connects, sends the command as one line, and
 * prints what comes back. The socket is a Unix domain socket in a folder only the gateway's user may enter
 * ({@code rwx------}), so the file system's permissions are its login: whoever can reach it could also read the
 * gateway's home. A socket left by a gateway that was killed is replaced at the next start.
 */
final class CommandSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandSocket.class);
    /** The longest command line taken; a longer one is answered with an error. */
    static final int MAX_COMMAND = 8192;
    /** Connections served at once; more wait in the socket's backlog. */
    private static final int WORKERS = 4;

    private final Path path;
    private final Function<String, String> run;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final ExecutorService workers;

    /** Binds {@code path} (its folder made {@code rwx------}) and serves each line with {@code run}. */
    CommandSocket(Path path, Function<String, String> run) throws IOException {
        this.path = path.toAbsolutePath();
        this.run = run;
        Path dir = this.path.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(this.path); // left by a gateway that did not stop cleanly
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(this.path));
        workers = new ThreadPoolExecutor(0, WORKERS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "ntmgate-command");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        acceptor = new Thread(this::accept, "ntmgate-command-socket");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Path path() {
        return path;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                workers.execute(() -> serve(c));
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("Command socket {}: {}", path, e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            String line = readLine(c);
            String answer;
            if (line == null) {
                answer = "refused: a command is at most " + MAX_COMMAND + " bytes, on one line";
            } else if (line.isBlank()) {
                answer = "";
            } else {
                LOG.info("Command socket: {}", line);
                answer = run.apply(line);
            }
            ByteBuffer out = ByteBuffer.wrap((answer.endsWith("\n") || answer.isEmpty() ? answer : answer + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Command socket {}: a command failed: {}", path, e.toString());
        }
    }

    /** The first line the client sends (up to a newline or the end of its output), or null when it is too long. */
    private static String readLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1024);
        while (c.read(b) >= 0) {
            b.flip();
            while (b.hasRemaining()) {
                byte x = b.get();
                if (x == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(x);
                if (line.size() > MAX_COMMAND) {
                    return null;
                }
            }
            b.clear();
        }
        return line.size() > MAX_COMMAND ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Command socket {}: {}", path, e.toString());
        }
        workers.shutdownNow();
        try {
            acceptor.join(2000);
            Files.deleteIfExists(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("Command socket {} not removed: {}", path, e.toString());
        }
    }
}
