package org.ntmgate.tls.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;

/** Opening and checking a keystore before Jetty is given it: one key entry, a certificate in its validity. */
final class Keystores {
    private Keystores() {
    }

    /** What Jetty serves: the keystore's file, type and passwords, and the certificate it holds. */
    record Served(Path file, String type, String password, String keyPassword, X509Certificate certificate) {
        String fingerprint() {
            return Keystores.fingerprint(certificate);
        }
    }

    /** Why a keystore cannot be served; the message is one line for the log and the health page. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    static Served open(Path file, String type, String password, String keyPassword) throws Unusable {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance(type);
            ks.load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new Unusable("keystore " + file + " cannot be read: " + e.getMessage());
        }
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    ks.getKey(alias, (keyPassword.isEmpty() ? password : keyPassword).toCharArray()); // the key opens
                    if (!(ks.getCertificate(alias) instanceof X509Certificate c)) {
                        throw new Unusable("keystore " + file + ": the key '" + alias + "' has no X.509 certificate");
                    }
                    try {
                        c.checkValidity();
                    } catch (CertificateExpiredException e) {
                        throw new Unusable("keystore " + file + ": its certificate expired on " + c.getNotAfter().toInstant());
                    } catch (CertificateNotYetValidException e) {
                        throw new Unusable("keystore " + file + ": its certificate is valid only from " + c.getNotBefore().toInstant());
                    }
                    return new Served(file, type, password, keyPassword.isEmpty() ? password : keyPassword, c);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new Unusable("keystore " + file + ": the key cannot be opened: " + e.getMessage());
        }
        throw new Unusable("keystore " + file + " holds no private key");
    }

    /** SHA-256 of the certificate's DER, as {@code openssl x509 -fingerprint -sha256} prints it. */
    static String fingerprint(X509Certificate c) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").formatHex(d).toUpperCase(Locale.ROOT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
