package org.ntmgate.itest;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.LinkedBlockingQueue;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** EventAdmin events as a test sees them: collected into a queue it polls with a bound. */
final class Events {
    private Events() {
    }

    /** Puts every event of {@code topic} into {@code into} until the registration is unregistered. */
    static ServiceRegistration<EventHandler> listen(BundleContext context, String topic, LinkedBlockingQueue<Event> into) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, topic);
        return context.registerService(EventHandler.class, into::add, props);
    }
}
