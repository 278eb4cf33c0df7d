package org.ntmgate.role;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.slf4j.LoggerFactory;

class RoleRunnerTest {
    /** An engine that records its settings and whether it was closed. */
    static final class Engine implements AutoCloseable {
        final int port;
        boolean started;
        boolean closed;

        Engine(int port) {
            this.port = port;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<Engine> started = new ArrayList<>();
    private final RoleRunner<Integer, Engine> runner = new RoleRunner<>(LoggerFactory.getLogger(RoleRunnerTest.class),
            new GatewayRoles.Info("test", "Test role", "org.ntmgate.test", "org.ntmgate.test", "test", "status", java.util.List.of()), "serving",
            port -> "on port " + port);

    private static Integer validate(String port) {
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("org.ntmgate.test", "port", "'" + port + "' is not a number");
        }
    }

    private Engine create(Integer port) {
        Engine e = new Engine(port);
        started.add(e);
        return e;
    }

    private void start(Integer port, Engine e) throws IOException {
        if (port == 0) {
            throw new IOException("port 0 is taken");
        }
        e.started = true;
    }

    @Test
    void beforeAConfigurationNothingRuns() {
        assertNull(runner.engine());
        assertNull(runner.since());
        assertEquals("not configured", runner.problem());
        assertEquals("Test role not serving: not configured", runner.view(e -> "running"));
    }

    @Test
    void aRefusalBeforeAnyEngineSaysWhichField() {
        assertNull(runner.configure("x", RoleRunnerTest::validate, this::create, this::start));
        assertEquals("configuration refused: org.ntmgate.test: 'port' 'x' is not a number", runner.problem());
        assertTrue(started.isEmpty());
    }

    @Test
    void aRefusalKeepsTheRunningEngine() {
        Engine first = runner.configure("4711", RoleRunnerTest::validate, this::create, this::start);
        assertNotNull(first);
        assertNull(runner.configure("x", RoleRunnerTest::validate, this::create, this::start));
        assertSame(first, runner.engine(), "the previous configuration keeps serving");
        assertTrue(!first.closed);
        assertNull(runner.problem());
        assertNotNull(runner.since());
        assertEquals("port 4711", runner.view(e -> "port " + e.port));
    }

    @Test
    void anAcceptedConfigurationReplacesTheEngine() {
        Engine first = runner.configure("4711", RoleRunnerTest::validate, this::create, this::start);
        Engine second = runner.configure("4712", RoleRunnerTest::validate, this::create, this::start);
        assertTrue(first.closed, "the old engine is closed before the new one starts");
        assertTrue(second.started && !second.closed);
        assertSame(second, runner.engine());
    }

    @Test
    void aFailedStartLeavesNothingRunningAndSaysWhy() {
        Engine first = runner.configure("4711", RoleRunnerTest::validate, this::create, this::start);
        assertNull(runner.configure("0", RoleRunnerTest::validate, this::create, this::start));
        assertTrue(first.closed);
        assertNull(runner.engine());
        assertNull(runner.since());
        assertEquals("could not start: port 0 is taken", runner.problem());
        assertTrue(started.get(1).closed, "the engine that failed to start was closed again");
        assertNotNull(runner.configure("4713", RoleRunnerTest::validate, this::create, this::start), "a good configuration starts again");
    }

    @Test
    void stopClosesTheEngine() {
        Engine first = runner.configure("4711", RoleRunnerTest::validate, this::create, this::start);
        runner.stop();
        assertTrue(first.closed);
        assertNull(runner.engine());
        assertEquals("stopped", runner.problem());
        runner.stop(); // twice is harmless
    }
}
