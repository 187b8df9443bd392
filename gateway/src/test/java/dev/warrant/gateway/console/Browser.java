package dev.warrant.gateway.console;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * A headless Chromium from Debian's packages, driven by Selenium through Debian's chromedriver. Both paths are
 * given explicitly, so Selenium Manager is never run (it would try to download a driver). Tests start one per
 * class ({@link BrowserExtension}); every wait here is bounded.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL = "apt-get update && apt-get install -y chromium chromium-driver";

    /** How long a test waits for the page to reach a state (an element, a swap, an SSE push). */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** A loopback page loads in milliseconds; a slow CI host still gets ample room. */
    static final Duration PAGE_LOAD = Duration.ofSeconds(20);

    /** Recorded from the first script of every document, before any page script runs (CDP, not the page). */
    private static final String CSP_PROBE = "window.__warrantCsp = [];"
            + "document.addEventListener('securitypolicyviolation', e => window.__warrantCsp.push("
            + "{directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile || ''}));";

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final String owner;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile, String owner) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
        this.owner = owner;
    }

    /**
     * Starts the browser. {@code owner} prefixes screenshot names (the test class). Fails, never skips, when
     * Chromium is missing: CI installs it, and a silent skip would hide the console's browser tests.
     */
    public static Browser start(String owner) {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: the browser tests need Debian's chromium and"
                        + " chromedriver (.ci/run installs them): " + INSTALL);
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("warrant-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without these, Chromium keeps dialling Google services and floods a closed network with refused connections.
        // Even with them it still resolves a few service names (accounts, updates, the search engine): the resolver
        // rule answers every name but localhost itself, so nothing leaves the machine, not even a DNS query.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD).scriptTimeout(WAIT).implicitlyWait(Duration.ZERO);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_PROBE));
        return new Browser(service, driver, profile, owner);
    }

    /** The Selenium driver, for what this class does not wrap. */
    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Loads {@code url} and returns once the document has loaded (bounded by {@link #PAGE_LOAD}). Console
     * messages of earlier pages are dropped first, so {@link #consoleErrors()} speaks of this page only.
     */
    public void open(String url) {
        driver.manage().logs().get(LogType.BROWSER);
        driver.get(url);
    }

    /** Waits (bounded) until {@code condition} holds and returns its value. */
    public <T> T await(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    /** Waits (bounded) until an element matching {@code by} is visible. */
    public WebElement visible(By by) {
        return await(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /**
     * Content-Security-Policy violations the current document has reported so far, as
     * {@code directive blocked-uri}: the browser's own event, so this does not depend on console wording.
     */
    public List<String> cspViolations() {
        Object found = driver.executeScript("return (window.__warrantCsp || [])"
                + ".map(v => v.directive + ' ' + v.blocked + (v.source ? ' in ' + v.source : ''));");
        List<String> out = new ArrayList<>();
        if (found instanceof List<?> list) {
            list.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    /** Console messages of level SEVERE (errors) logged since the last call: failed loads, thrown errors. */
    public List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /** Saves a PNG of the viewport to {@code gateway/target/screenshots/<owner>-<name>.png} (a build artifact). */
    public Path screenshot(String name) {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
        Path file = dir.resolve(owner + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
        try {
            Files.createDirectories(dir);
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp profile is harmless; the test's result is what matters.
        }
    }
}
