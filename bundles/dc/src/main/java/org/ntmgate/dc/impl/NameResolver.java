package org.ntmgate.dc.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.ntmgate.api.net.AddressFamily;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DC's name lookups for Direction Requests (protocol.md 7.4 step 1 and 3), with dnsjava against one configured
 * resolver: the answer is addresses of the asked family, or an outcome the DC turns into an error code the node can
 * act on (NO_SUCH_NAME, NO_USABLE_FAMILY; no answer becomes a timeout of the direction).
 */
final class NameResolver {
    enum Outcome {
        ADDRESSES, NO_SUCH_NAME, NO_USABLE_FAMILY, NO_ANSWER
    }

    record Result(Outcome outcome, List<InetAddress> addresses, String detail) {
    }

    private final SimpleResolver resolver;

    NameResolver(InetSocketAddress server, Duration timeout) {
        resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
    }

    Result resolve(String fqdn, AddressFamily family) {
        Name name;
        try {
            name = Name.fromString(fqdn.endsWith(".") ? fqdn : fqdn + ".");
        } catch (TextParseException e) {
            return new Result(Outcome.NO_SUCH_NAME, List.of(), "'" + fqdn + "' is not a DNS name");
        }
        int type = family == AddressFamily.IPV6 ? Type.AAAA : Type.A;
        Message response;
        try {
            response = resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
        } catch (IOException e) {
            return new Result(Outcome.NO_ANSWER, List.of(), "the resolver did not answer for " + fqdn + ": " + e.getMessage());
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new Result(Outcome.NO_SUCH_NAME, List.of(), fqdn + " does not exist");
        }
        if (rcode != Rcode.NOERROR) {
            return new Result(Outcome.NO_ANSWER, List.of(), "the resolver answered " + Rcode.string(rcode) + " for " + fqdn);
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof AAAARecord aaaa && type == Type.AAAA) {
                addresses.add(aaaa.getAddress());
            } else if (r instanceof ARecord a && type == Type.A) {
                addresses.add(a.getAddress());
            }
        }
        if (addresses.isEmpty()) {
            return new Result(Outcome.NO_USABLE_FAMILY, List.of(), fqdn + " has no " + (type == Type.AAAA ? "AAAA" : "A") + " record");
        }
        return new Result(Outcome.ADDRESSES, addresses, fqdn + ": " + addresses.size() + " address(es)");
    }
}
