package org.ntmgate.itest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/** Runs Gogo commands as an administrator at the console would, returning what the command returned as text. */
final class Gogo {
    private Gogo() {
    }

    /** The command run with the framework's command processor. */
    static String run(org.osgi.framework.BundleContext context, String command) {
        org.osgi.framework.ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
        try {
            return run(context.getService(ref), command);
        } finally {
            context.ungetService(ref);
        }
    }

    /** The command's result as text; "failed: ..." when the command does not exist or throws. */
    static String run(CommandProcessor processor, String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true);
        CommandSession s = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            return String.valueOf(s.execute(command));
        } catch (Exception e) {
            return "failed: " + e.getMessage();
        } finally {
            s.close();
        }
    }
}
