package dev.warrant.gateway.console;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link Browser} per test class (starting Chromium is the slow part), and a screenshot at the end of every
 * test, passed or failed, named after the test method ({@code <TestClass>-<method>.png}).
 * Use: {@code @RegisterExtension static final BrowserExtension browser = new BrowserExtension();}
 */
public final class BrowserExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private Browser browser;

    /** The class's browser; started before the first test. */
    public Browser browser() {
        if (browser == null) {
            throw new IllegalStateException("the browser starts in beforeAll: register this extension on a static field");
        }
        return browser;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        long start = System.nanoTime();
        browser = Browser.start(context.getRequiredTestClass().getSimpleName());
        // In the class's test output: what one browser per class costs the suite.
        System.out.printf("chromium started in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (browser != null) {
            String outcome = context.getExecutionException().isPresent() ? "-failed" : "";
            browser.screenshot(context.getRequiredTestMethod().getName() + outcome);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            try {
                browser.close();
            } finally {
                browser = null;
            }
        }
    }
}
