package org.ntmgate.itest;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.ntmgate.api.config.ConfigurationEvents;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** EventAdmin events of one topic as a test sees them while this is open: a queue it takes them from with a bound. */
final class Events implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ServiceRegistration<EventHandler> registration;

    private Events(BundleContext context, String topic) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, topic);
        registration = context.registerService(EventHandler.class, events::add, props);
    }

    /** The events of {@code topic} (may end in {@code *}). */
    static Events listen(BundleContext context, String topic) {
        return new Events(context, topic);
    }

    /** The configuration gate's refusals. */
    static Events refusals(BundleContext context) {
        return listen(context, ConfigurationEvents.TOPIC_REFUSED);
    }

    /** The next event, waiting 20 s at the most; null if none came. */
    Event next() throws InterruptedException {
        return next(WAIT);
    }

    Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        registration.unregister();
    }
}
