package org.ntmgate.dc.impl;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.dc.DcFixture;
import org.ntmgate.role.Threads;

/** Behind {@link DcFixture}: a {@link Coordinator} started on checked settings, and a writer of its registrations. */
public final class Fixture {
    private Fixture() {
    }

    public static DcFixture start(Map<String, Object> configuration, VirtualAddressPools pools, RelayPolicy policy, Path registrations) throws Exception {
        DcSettings settings;
        try {
            settings = DcSettings.from(ConfigChecks.typed(DcSettings.PID, configuration, DcConfig.class));
        } catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        byte[] pathSecret = new byte[32];
        new SecureRandom().nextBytes(pathSecret);
        AtomicBoolean changed = new AtomicBoolean();
        RegistrationStore store = new RegistrationStore(registrations);
        Coordinator dc = new Coordinator(pools, settings, System::currentTimeMillis, () -> changed.set(true), () -> policy, pathSecret);
        InetSocketAddress address = dc.start();
        Thread writer = Threads.start("ntmgate-dc-fixture-registrations", () -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                    if (changed.getAndSet(false)) {
                        store.write(dc.registrations());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Fixture.class).error("registrations not written: {}", e.toString());
                }
            }
        });
        return new DcFixture() {
            @Override
            public InetSocketAddress address() {
                return address;
            }

            @Override
            public long accepted() {
                return dc.wireCounters().accepted();
            }

            @Override
            public long dropped() {
                return dc.wireCounters().droppedTotal();
            }

            @Override
            public void close() {
                writer.interrupt();
                Threads.join(writer, 2000);
                dc.close();
            }
        };
    }
}
