package org.ntmgate.lifecycle.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gogo shell of a daemon: a {@link CommandSocket} at the framework property {@code ntmgate.command.socket}
 * (default {@code run/gogo.sock} in the gateway's home, its working directory) running each command in a session
 * of its own, as the shell on standard input would. Present while a Gogo runtime is.
 */
@Component(immediate = true, service = {})
public final class CommandSocketComponent {
    static final String SOCKET_PROPERTY = "ntmgate.command.socket";
    static final String DEFAULT_SOCKET = "run/gogo.sock";
    private static final Logger LOG = LoggerFactory.getLogger(CommandSocketComponent.class);

    @Reference
    private CommandProcessor processor;
    private CommandSocket socket;

    @Activate
    void activate(BundleContext context) {
        String p = context.getProperty(SOCKET_PROPERTY);
        Path path = Path.of(p == null || p.isBlank() ? DEFAULT_SOCKET : p.trim());
        try {
            socket = new CommandSocket(path, this::execute);
            LOG.info("Gogo commands on socket {} (runtime/bin/ntmgate gogo <command>)", socket.path());
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("No command socket at {}: {}; Gogo is on standard input only", path.toAbsolutePath(), e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        if (socket != null) {
            socket.close();
        }
    }

    /** What the command printed, then its result as the shell shows it; "failed: ..." when it does not exist or throws. */
    private String execute(String command) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(printed, true, StandardCharsets.UTF_8);
        CommandSession s = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            Object result = s.execute(command);
            String shown = result == null ? "" : String.valueOf(s.format(result, Converter.INSPECT));
            return printed.toString(StandardCharsets.UTF_8) + shown;
        } catch (Exception e) {
            return printed.toString(StandardCharsets.UTF_8) + "failed: " + e.getMessage();
        } finally {
            s.close();
        }
    }
}
