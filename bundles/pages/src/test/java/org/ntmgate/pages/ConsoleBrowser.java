package org.ntmgate.pages;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's pages in a real browser, for the process and lab tests: Debian's headless Chromium through its
 * chromedriver ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; nothing is downloaded), logged in with the
 * console's credentials. Reads what a person sees ({@code innerText}, read at once in the page, since the pages
 * replace their sections as they refresh); screenshots go to a folder, and also to {@code -Dntmgate.screenshots}
 * when set (how docs/console is refreshed).
 */
public final class ConsoleBrowser implements AutoCloseable {
    private final WebDriver driver;
    private final String origin;
    private final String user;
    private final String password;
    private final Path shots;

    /** @param origin {@code http://host:port} of the gateway's console */
    public ConsoleBrowser(String origin, String user, String password, Path shots) throws IOException {
        this(origin, user, password, shots, null);
    }

    /**
     * @param origin {@code http://host:port} or {@code https://host:port} of the gateway's console
     * @param spki with HTTPS: the base64 SHA-256 of the public key the console's certificate must carry (Chromium then
     *            trusts that key alone, as an admin who checked the fingerprint would), or null
     */
    public ConsoleBrowser(String origin, String user, String password, Path shots, String spki) throws IOException {
        this.origin = origin;
        this.user = user;
        this.password = password;
        this.shots = Files.createDirectories(shots);
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000");
        if (spki != null) {
            o.addArguments("--ignore-certificate-errors-spki-list=" + spki);
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
    }

    /**
     * The certificate a console's HTTPS port presents, read without trusting it (retried for up to 30 s while the
     * port comes up): what an admin compares with the fingerprint the gateway logged.
     */
    public static java.security.cert.X509Certificate presentedCertificate(String host, int port) throws Exception {
        javax.net.ssl.SSLContext ctx = trustingContext();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(host, port)) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                return (java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0];
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(300);
            }
        }
    }

    /** A TLS client context that accepts any server certificate: for reading the certificate, which is then what is checked. */
    public static javax.net.ssl.SSLContext trustingContext() throws java.security.GeneralSecurityException {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] { new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        } }, new java.security.SecureRandom());
        return ctx;
    }

    /** The base64 SHA-256 of a certificate's public key: what {@code spki} of the constructor takes. */
    public static String spki(java.security.cert.X509Certificate c) throws java.security.GeneralSecurityException {
        return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens the console page {@code ntmgate-<page>} and waits for its first read of the gateway. */
    public void open(String page) {
        String scheme = origin.substring(0, origin.indexOf("://") + 3);
        driver.get(scheme + user + ":" + password + "@" + origin.substring(scheme.length()) + "/system/console/ntmgate-" + page);
        await("the " + page + " page's first read", () -> text("ntm-status").startsWith("Updated"));
    }

    /** A blank page: the console's pages stop reading. */
    public void blank() {
        driver.get("about:blank");
    }

    public void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(20), condition);
    }

    public void await(String what, Duration timeout, BooleanSupplier condition) {
        new WebDriverWait(driver, timeout).withMessage(() -> what + "; the page showed: " + text("ntm")).until(d -> condition.getAsBoolean());
    }

    /** The text a person sees in the element {@code id}, whitespace runs as one space; empty when there is none. */
    public String text(String id) {
        Object t = ((JavascriptExecutor) driver).executeScript("var e = document.getElementById(arguments[0]); return e ? e.innerText : '';", id);
        return String.valueOf(t).replaceAll("\\s+", " ").trim();
    }

    /** Types {@code value} into field {@code field} of form {@code form} (its element {@code <form>-<field>}), replacing what was there. */
    public void fill(String form, String field, String value) {
        WebElement e = driver.findElement(By.id(form + "-" + field));
        e.clear();
        if (!value.isEmpty()) {
            e.sendKeys(value);
        }
    }

    public void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    /**
     * Clicks the button of class {@code cls} in the row of table {@code tableId} whose text starts with
     * {@code rowStart}, found and clicked in one script so that the page's redraw every 2 s cannot get in between
     * (the click itself runs right after the script, so a confirmation it asks for is left to {@link #acceptConfirm}).
     * Fails when there is no such row or button.
     */
    public void clickInRow(String tableId, String rowStart, String cls) {
        await("a row of " + tableId + " starting with " + rowStart, () -> Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "var t = document.getElementById(arguments[0]); if (!t) { return false; }"
                        + " var rows = t.querySelectorAll('tbody tr');"
                        + " for (var i = 0; i < rows.length; i++) { if (rows[i].innerText.trim().indexOf(arguments[1]) === 0) {"
                        + " var b = rows[i].querySelector('.' + arguments[2]); if (b) { setTimeout(function () { b.click(); }, 0); return true; } } }"
                        + " return false;", tableId, rowStart, cls)));
    }

    /** The text of the row of table {@code tableId} that starts with {@code rowStart}, or "" when there is none. */
    public String rowText(String tableId, String rowStart) {
        Object t = ((JavascriptExecutor) driver).executeScript("var t = document.getElementById(arguments[0]); if (!t) { return ''; }"
                + " var rows = t.querySelectorAll('tbody tr');"
                + " for (var i = 0; i < rows.length; i++) { var x = rows[i].innerText.trim(); if (x.indexOf(arguments[1]) === 0) { return x; } }"
                + " return '';", tableId, rowStart);
        return String.valueOf(t).replaceAll("\\s+", " ").trim();
    }

    /** Waits for the page's confirmation dialog and accepts it. */
    public void acceptConfirm() {
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(10)).until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent())
                .accept();
    }

    /** Fails when a script opened an alert (a name shown as markup would). */
    public void noAlert() {
        try {
            driver.switchTo().alert();
        } catch (NoAlertPresentException e) {
            return;
        }
        throw new AssertionError("a script opened an alert: something a node controls was shown as markup");
    }

    public void shoot(String name) throws IOException {
        Path to = shots.resolve(name + ".png");
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("ntmgate.screenshots");
        if (docs != null && !docs.isBlank()) {
            Files.createDirectories(Path.of(docs));
            Files.copy(to, Path.of(docs, name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
