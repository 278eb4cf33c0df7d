package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MnemonicsTest {
    @Test
    void errorCodesAreNamedByTheirConstants() {
        assertEquals("TICKET_INVALID", ErrorCode.name(ErrorCode.TICKET_INVALID));
        assertEquals("NODE_UNREACHABLE", ErrorCode.name(18));
        assertEquals("code 99", ErrorCode.name(99));
    }

    @Test
    void tlvTypesAreNamedByTheirConstantsAndTheCriticalBitIsNone() {
        assertEquals("FQDN", TlvType.name(TlvType.FQDN));
        assertEquals("SOFTWARE", TlvType.name(TlvType.SOFTWARE));
        assertEquals("TLV-0x8000", TlvType.name(TlvType.CRITICAL));
        assertEquals("TLV-0x9999", TlvType.name(0x9999));
    }
}
