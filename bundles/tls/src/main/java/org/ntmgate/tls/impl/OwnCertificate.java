package org.ntmgate.tls.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.ntmgate.storage.AtomicFile;

/**
 * The gateway's own key pair and self-signed certificate: made once (an EC P-256 key, SHA-256 with ECDSA, valid ten
 * years, for the host's name, {@code localhost}, every address of its interfaces but link-local ones, and the
 * configured names), kept in {@code console.p12} with a random password in {@code console.password} (both mode 0600
 * in a 0700 folder), the certificate also as {@code console.pem}; reused at every start, made again only when the
 * stored one is unreadable or expired.
 */
final class OwnCertificate {
    static final String ALIAS = "ntmgate";
    private static final Duration VALIDITY = Duration.ofDays(3650);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    OwnCertificate(Path dir) {
        this.dir = dir;
    }

    Path keystore() {
        return dir.resolve("console.p12");
    }

    Path pem() {
        return dir.resolve("console.pem");
    }

    private Path passwordFile() {
        return dir.resolve("console.password");
    }

    /** The stored keystore, or a new one when there is none usable; {@code made} says which. */
    record Loaded(Keystores.Served served, boolean made) {
    }

    /**
     * The stored certificate as its PEM file and the password file say, without opening the keystore (whose key
     * derivation costs a starting JVM about 0.2 s): for the start, when Jetty already serves it; the keystore is
     * then opened off the start's path ({@link #loadOrMake}). Null when either file is missing or unreadable, or the
     * certificate is not valid now.
     */
    Keystores.Served stored() {
        try (var in = Files.newInputStream(pem())) {
            X509Certificate c = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            c.checkValidity();
            String password = Files.readString(passwordFile(), StandardCharsets.UTF_8).trim();
            return Files.exists(keystore()) ? new Keystores.Served(keystore(), "PKCS12", password, password, c) : null;
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    Loaded loadOrMake(List<String> extraNames) throws IOException, GeneralSecurityException {
        if (Files.exists(keystore()) && Files.exists(passwordFile())) {
            String password = Files.readString(passwordFile(), StandardCharsets.UTF_8).trim();
            try {
                Keystores.Served s = Keystores.open(keystore(), "PKCS12", password, password);
                if (s.certificate().getNotAfter().toInstant().isAfter(Instant.now())) {
                    return new Loaded(s, false);
                }
            } catch (Keystores.Unusable e) {
                // made again below
            }
        }
        return new Loaded(make(extraNames), true);
    }

    private Keystores.Served make(List<String> extraNames) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair kp = g.generateKeyPair();
        String host = hostName();
        X500Name subject = new X500Name("CN=ntmgate gateway " + host);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, RANDOM), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
        List<GeneralName> names = new ArrayList<>();
        Set<String> dns = new LinkedHashSet<>(List.of(host, "localhost"));
        dns.addAll(extraNames);
        dns.stream().filter(n -> !n.isBlank()).forEach(n -> names.add(new GeneralName(isAddress(n) ? GeneralName.iPAddress : GeneralName.dNSName, n)));
        addresses().forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a)));
        X509Certificate cert;
        try {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("could not sign the certificate: " + e.getMessage(), e);
        }
        byte[] pw = new byte[24];
        RANDOM.nextBytes(pw);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(pw);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, kp.getPrivate(), password.toCharArray(), new Certificate[] { cert });
        var owner = PosixFilePermissions.fromString("rw-------");
        AtomicFile.write(passwordFile(), out -> out.write((password + "\n").getBytes(StandardCharsets.UTF_8)), owner);
        AtomicFile.write(keystore(), out -> store(ks, out, password), owner);
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        AtomicFile.write(pem(), out -> out.write(pem.getBytes(StandardCharsets.US_ASCII)), PosixFilePermissions.fromString("rw-r--r--"));
        return new Keystores.Served(keystore(), "PKCS12", password, password, cert);
    }

    private static void store(KeyStore ks, OutputStream out, String password) throws IOException {
        try {
            ks.store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static boolean isAddress(String n) {
        return n.matches("[0-9.]+") || n.contains(":");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Every address of the host's interfaces that are up, loopback included, link-local ones left out. */
    static List<String> addresses() {
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!i.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    if (!a.isLinkLocalAddress()) {
                        out.add(a.getHostAddress().replaceFirst("%.*$", ""));
                    }
                }
            }
        } catch (SocketException e) {
            out.add("127.0.0.1");
        }
        return out;
    }

}
