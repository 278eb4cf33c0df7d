package org.ntmgate.tls.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnCertificateTest {
    @TempDir
    Path dir;

    @Test
    void theOwnCertificateIsMadeOnceOwnerOnlyForTheHostsNamesAndReused() throws Exception {
        OwnCertificate own = new OwnCertificate(dir.resolve("tls"));
        OwnCertificate.Loaded first = own.loadOrMake(List.of("gw.example.net"));
        assertTrue(first.made());
        var names = first.served().certificate().getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertTrue(names.contains("localhost") && names.contains("gw.example.net") && names.contains("127.0.0.1"), names.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own.keystore())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls"))));
        assertTrue(Files.readString(own.pem()).startsWith("-----BEGIN CERTIFICATE-----\n"));
        first.served().certificate().checkValidity();
        assertEquals("SHA256withECDSA", first.served().certificate().getSigAlgName());

        OwnCertificate.Loaded again = new OwnCertificate(dir.resolve("tls")).loadOrMake(List.of());
        assertFalse(again.made(), "reused");
        assertEquals(first.served().fingerprint(), again.served().fingerprint());
        assertTrue(first.served().fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), first.served().fingerprint());

        assertEquals(first.served().fingerprint(), own.stored().fingerprint(), "read back from its PEM file without opening the keystore");

        Files.writeString(own.keystore(), "damaged");
        OwnCertificate.Loaded remade = new OwnCertificate(dir.resolve("tls")).loadOrMake(List.of());
        assertTrue(remade.made(), "an unreadable one is made again");
        Files.writeString(own.pem(), "not a certificate");
        assertEquals(null, own.stored(), "an unreadable PEM file gives nothing to start from");
        assertNotEquals(first.served().fingerprint(), remade.served().fingerprint());
    }

    @Test
    void aKeystoreWithoutKeyOrThatCannotBeReadIsRefusedWithAReason() throws Exception {
        Path garbage = Files.writeString(dir.resolve("bad.p12"), "not a keystore");
        Keystores.Unusable e = assertThrows(Keystores.Unusable.class, () -> Keystores.open(garbage, "PKCS12", "x", ""));
        assertTrue(e.getMessage().startsWith("keystore " + garbage + " cannot be read"), e.getMessage());
        OwnCertificate own = new OwnCertificate(dir.resolve("tls"));
        own.loadOrMake(List.of());
        String password = Files.readString(dir.resolve("tls/console.password")).trim();
        assertThrows(Keystores.Unusable.class, () -> Keystores.open(own.keystore(), "PKCS12", "wrong", ""), "a wrong password");
        assertEquals(Keystores.open(own.keystore(), "PKCS12", password, "").fingerprint(), own.loadOrMake(List.of()).served().fingerprint());
    }
}
