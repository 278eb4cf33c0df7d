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
        this.origin = origin;
        this.user = user;
        this.password = password;
        this.shots = Files.createDirectories(shots);
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens the console page {@code ntmgate-<page>} and waits for its first read of the gateway. */
    public void open(String page) {
        String host = origin.replaceFirst("^http://", "");
        driver.get("http://" + user + ":" + password + "@" + host + "/system/console/ntmgate-" + page);
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
