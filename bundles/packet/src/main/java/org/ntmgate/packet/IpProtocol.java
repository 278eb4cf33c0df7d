package org.ntmgate.packet;

/** IP protocol and IPv6 next-header numbers used here (IANA "Assigned Internet Protocol Numbers"). */
public final class IpProtocol {
    private IpProtocol() {
    }

    public static final int HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int NO_NEXT_HEADER = 59;
    public static final int DESTINATION_OPTIONS = 60;
    public static final int MOBILITY = 135;
    public static final int HIP = 139;
    public static final int SHIM6 = 140;

    /** IPv6 extension headers that carry a next-header field and a length (RFC 8200 section 4, RFC 7045). */
    static boolean isIpv6ExtensionHeader(int nextHeader) {
        switch (nextHeader) {
            case HOP_BY_HOP:
            case ROUTING:
            case FRAGMENT:
            case AH:
            case DESTINATION_OPTIONS:
            case MOBILITY:
            case HIP:
            case SHIM6:
                return true;
            default:
                return false;
        }
    }
}
