package org.ntmgate.role;

import java.time.Instant;
import java.util.function.Function;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.slf4j.Logger;

/**
 * The engine of one role component and how a configuration reaches it, the same for every role
 * (docs/architecture.md, "One shape for a role's engine"): a configuration is validated before anything stops, so a
 * refused one is logged with the field it names and leaves the running engine as it is; an accepted one stops the
 * engine, makes and starts a new one (closing it again when it fails to start) and records when. Until an engine
 * runs, {@link #problem} says why not, in the words the health endpoint, the console and the Gogo views show.
 *
 * <p>A component holds one runner and calls it from its {@code @Activate}/{@code @Modified} and {@code @Deactivate}
 * methods; the engine is read without a lock by the component's other threads.
 *
 * @param <S> the validated settings
 * @param <E> the running engine: closing it stops everything it started
 */
public final class RoleRunner<S, E extends AutoCloseable> {
    /** Turns a configuration into settings, or refuses it naming the field. */
    @FunctionalInterface
    public interface Validator<C, S> {
        S validate(C config) throws InvalidConfigurationException;
    }

    /** Makes an engine from accepted settings (nothing started yet, or whatever it opened closed again on failure). */
    @FunctionalInterface
    public interface Factory<S, E> {
        E create(S settings) throws Exception;
    }

    /** Starts the engine made from {@code settings}; when it throws, the runner closes the engine. */
    @FunctionalInterface
    public interface Start<S, E> {
        void start(S settings, E engine) throws Exception;
    }

    private final Logger log;
    private final GatewayRoles.Info role;
    private final String working;
    private final Function<S, String> where;
    private volatile E engine;
    private volatile String problem = "not configured";
    private volatile Instant since;

    /**
     * @param role    the role: the logs name it by its title ("Relay Server (RS-N)", "Teredo relay")
     * @param working what it does while it runs: "relaying", "serving", "running"
     * @param where   what a failed start's log line adds about the settings ("on udp 192.0.2.1:4500 with rsn0"), or ""
     */
    public RoleRunner(Logger log, GatewayRoles.Info role, String working, Function<S, String> where) {
        this.log = log;
        this.role = role;
        this.working = working;
        this.where = where;
    }

    /**
     * Applies a configuration: validated first (a refusal keeps the running engine), then the engine replaced by
     * one {@code factory} makes and {@code start} starts (closed again if it fails to start). Returns the new
     * engine, or null when the configuration was refused or the engine did not start.
     */
    public synchronized <C> E configure(C config, Validator<C, S> validator, Factory<S, E> factory, Start<S, E> start) {
        S settings;
        try {
            settings = validator.validate(config);
        } catch (InvalidConfigurationException e) {
            log.error("Configuration refused: {}. {}", e.getMessage(),
                    engine == null ? "The " + role.title() + " is not " + working + "." : "The previous configuration keeps " + working + ".");
            if (engine == null) {
                problem = "configuration refused: " + e.getMessage();
            }
            return null;
        }
        stop();
        E next = null;
        try {
            next = factory.create(settings);
            start.start(settings, next);
            engine = next;
            problem = null;
            since = Instant.now();
            return next;
        } catch (Exception e) {
            Threads.close(next);
            problem = "could not start: " + e.getMessage();
            String at = where.apply(settings);
            log.error("The {} could not start{}: {}", role.title(), at.isEmpty() ? "" : " " + at, e.toString());
            return null;
        }
    }

    /** The role this runner runs. */
    public GatewayRoles.Info role() {
        return role;
    }

    /** Closes the engine, if one runs. */
    public synchronized void stop() {
        E e = engine;
        if (e == null) {
            return;
        }
        engine = null;
        problem = "stopped";
        try {
            e.close();
        } catch (Exception x) {
            log.warn("The {} did not close cleanly: {}", role.title(), x.toString());
        }
    }

    /** The running engine, or null. */
    public E engine() {
        return engine;
    }

    /** Why no engine runs ("configuration refused: ...", "could not start: ..."), or null while one does. */
    public String problem() {
        return problem;
    }

    /** When the running engine started, or null. */
    public Instant since() {
        return engine == null ? null : since;
    }

    /** {@code view} of the running engine, or "&lt;name&gt; not &lt;working&gt;: &lt;problem&gt;" (the Gogo views' wording). */
    public String view(Function<E, String> view) {
        E e = engine;
        return e != null ? view.apply(e) : notWorking();
    }

    /** "&lt;name&gt; not &lt;working&gt;: &lt;problem&gt;". */
    public String notWorking() {
        return role.title() + " not " + working + ": " + problem;
    }
}
