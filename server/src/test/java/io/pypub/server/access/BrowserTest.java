package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
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
 * The pages in a real browser: Debian's headless Chromium driven through its own chromedriver
 * (nothing downloaded at run time). Sign in with a key, search, open a project, a version and its
 * docs, sign out; a key revoked mid-session loses access within the key cache interval; metadata
 * carrying script (summary, README, yank reason, project URLs) stays inert. A screenshot of each
 * page kind is saved under {@code server/target/screenshots}.
 */
class BrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String XSS = "<script>alert('xss')</script><img src=x onerror=alert('img')>";
    private static AccessFixture index;
    private static IndexServer server;
    private static WebDriver browser;
    private static String key;
    private static final Path SHOTS = Path.of("target", "screenshots").toAbsolutePath();

    @BeforeAll
    static void start() throws Exception {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            fail("The browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + "): "
                    + "apt-get update && apt-get install -y chromium chromium-driver (.ci/run installs them when missing)");
        }
        index = new AccessFixture();
        // Install lines with a real-looking host, as a deployment configured with --public-url shows them.
        server = new IndexServer(new IndexService(index.deployment.clients(),
                new IndexSettings(IndexSettings.DownloadMode.STREAM, Duration.ofMinutes(5), Duration.ofSeconds(1),
                        "https://pypi.example.com"),
                RequestGuard.forDeployment(index.deployment.clients(), index.settings)), "127.0.0.1", 0).start();
        index.servers.add(server);
        index.publish("hello-package", "dev");
        Path dir = TestEnvironment.tempDir("browser");
        TinyWheels.write(dir, "acme-telemetry", "1.0", "Summary: Metrics and traces for acme services\nRequires-Python: >=3.9\n"
                + "Requires-Dist: requests>=2.31\nProject-URL: Source, https://git.example.com/acme/telemetry\n"
                + "Description-Content-Type: text/markdown\n", "# acme-telemetry\n\nSend **metrics** from any acme service.\n\n"
                + "```python\nfrom acme_telemetry_mod import VERSION\n```\n");
        TinyWheels.write(dir, "acme-telemetry", "1.1", "Summary: Metrics and traces for acme services\nRequires-Python: >=3.9\n"
                + "Requires-Dist: requests>=2.31\nProject-URL: Source, https://git.example.com/acme/telemetry\n"
                + "Description-Content-Type: text/markdown\n", "# acme-telemetry\n\nSend **metrics** from any acme service.\n");
        TinyWheels.write(dir, "xss-demo", "1.0", "Summary: " + XSS + "\nDescription-Content-Type: text/markdown\n"
                + "Project-URL: Home, javascript:alert('url')\nProject-URL: Quote, https://example.com/\" onmouseover=\"alert('q')\n"
                + "Home-page: javascript:alert('home')\n",
                "# Title\n\n" + XSS + "\n\n[click](javascript:alert('link'))\n\n<a href=\"javascript:alert('a')\">raw</a>\n");
        TinyWheels.write(dir, "xss-demo", "2.0", "Summary: " + XSS + "\n", XSS);
        assertThat(index.cli(null, "import", "--stage", "dev", dir.toString()).exitCode()).isZero();
        assertThat(index.cli(null, "yank", "xss-demo", "1.0", "--stage", "dev", "--reason", XSS).exitCode()).isZero();
        assertThat(index.cli(null, "yank", "acme-telemetry", "1.0", "--stage", "dev", "--reason", "wrong metric names").exitCode())
                .isZero();
        key = index.createKey("--client", "browser", "--stages", "dev");

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (index != null) {
            index.close();
        }
    }

    private static String url(String path) {
        return server.localUrl().toString().replaceAll("/$", "") + path;
    }

    private static void screenshot(String name) throws Exception {
        Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void signIn(String secret) {
        browser.get(url("/dev/"));
        assertThat(browser.getCurrentUrl()).contains("/-/signin?next=");
        browser.findElement(By.id("secret")).sendKeys(secret);
        click(By.id("signin"));
    }

    /** Clicks and waits until the browser has loaded the page the click leads to. */
    private static void click(By by) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.__pypubOldPage = true"); // gone once the next document has loaded
        browser.findElement(by).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "return window.__pypubOldPage === undefined && document.readyState === 'complete'")));
    }

    private static void noAlertAndNoScriptFromMetadata() {
        try {
            browser.switchTo().alert();
            fail("an alert opened on " + browser.getCurrentUrl());
        } catch (NoAlertPresentException expected) {
            // inert
        }
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(((Number) js.executeScript("return document.scripts.length")).intValue()).as(browser.getCurrentUrl()).isZero();
        assertThat(((Number) js.executeScript("return document.querySelectorAll('img[onerror],[onmouseover],[onclick]').length"))
                .intValue()).as(browser.getCurrentUrl()).isZero();
        assertThat(((Number) js.executeScript(
                "return [...document.querySelectorAll('a[href]')].filter(a => a.href.startsWith('javascript:')).length")).intValue())
                .as(browser.getCurrentUrl()).isZero();
    }

    @Test
    void signInSearchOpenAProjectAVersionAndItsDocsThenSignOut() throws Exception {
        browser.manage().deleteAllCookies();
        browser.get(url("/dev/"));
        assertThat(browser.getCurrentUrl()).contains("/-/signin?next=%2Fdev%2F");
        screenshot("signin");
        browser.findElement(By.id("secret")).sendKeys(key);
        click(By.id("signin"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/dev/"));
        assertThat(browser.findElement(By.tagName("header")).getText()).contains("Signed in as key " + AccessFixture.keyId(key));
        assertThat(browser.manage().getCookieNamed("pypub_session").isHttpOnly()).isTrue();
        assertThat(browser.findElements(By.cssSelector("a.project"))).hasSize(3);
        screenshot("stage");

        browser.findElement(By.id("q")).sendKeys("metrics");
        click(By.cssSelector("form.search button"));
        List<WebElement> hits = browser.findElements(By.cssSelector("a.project"));
        assertThat(hits).extracting(WebElement::getText).containsExactly("acme-telemetry");
        assertThat(browser.findElement(By.id("count")).getText()).isEqualTo("1 project matching metrics");
        screenshot("search");
        click(By.cssSelector("a.project"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/dev/-/project/acme-telemetry/"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("acme-telemetry 1.1");
        assertThat(browser.findElement(By.cssSelector(".readme strong")).getText()).isEqualTo("metrics");
        assertThat(browser.getPageSource()).contains("pip install --index-url https://pypi.example.com/dev/simple/ acme-telemetry");
        screenshot("project");
        click(By.linkText("1.0"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/dev/-/project/acme-telemetry/1.0/"));
        assertThat(browser.findElement(By.cssSelector("p.yanked")).getText()).isEqualTo("Yanked: wrong metric names");
        screenshot("version");

        browser.get(url("/dev/-/project/hello-package/"));
        click(By.cssSelector("a.docs"));
        assertThat(browser.getCurrentUrl()).startsWith(url("/dev/docs/hello-package/0.1.0/")); // pdoc sends its index on to the module
        assertThat(browser.getPageSource()).contains("hello_package");
        screenshot("docs");
        browser.get(url("/dev/-/project/hello-package/0.1.0/"));
        screenshot("version-with-files");

        browser.manage().window().setSize(new Dimension(400, 860)); // a phone
        browser.get(url("/dev/-/project/acme-telemetry/"));
        screenshot("project-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));

        browser.get(url("/dev/"));
        click(By.id("signout"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Signed out");
        assertThat(browser.manage().getCookieNamed("pypub_session")).isNull();
        browser.get(url("/dev/-/project/hello-package/"));
        assertThat(browser.getCurrentUrl()).contains("/-/signin?next=");
    }

    @Test
    void aKeyRevokedMidSessionLosesAccessWithinTheKeyCacheInterval() throws Exception {
        browser.manage().deleteAllCookies();
        String leaver = index.createKey("--client", "leaver", "--stages", "dev");
        signIn(leaver);
        browser.get(url("/dev/-/project/hello-package/"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("hello-package");
        assertThat(index.cli(null, "keys", "revoke", AccessFixture.keyId(leaver)).exitCode()).isZero();
        long revokedAt = System.nanoTime();
        while (!browser.getCurrentUrl().contains("/-/signin") && System.nanoTime() - revokedAt < Duration.ofSeconds(6).toNanos()) {
            Thread.sleep(100);
            browser.get(url("/dev/-/project/hello-package/"));
        }
        assertThat(browser.getCurrentUrl()).contains("/-/signin?next=");
        assertThat((System.nanoTime() - revokedAt) / 1_000_000).isLessThanOrEqualTo(AccessFixture.CACHE_TTL.toMillis() + 2_500);
        // Signing in again with the revoked key is refused, on the form.
        browser.findElement(By.id("secret")).sendKeys(leaver);
        click(By.id("signin"));
        assertThat(browser.findElement(By.cssSelector(".error")).getText()).contains("key revoked");
        assertThat(browser.manage().getCookieNamed("pypub_session")).isNull();
    }

    @Test
    void scriptInSummaryReadmeYankReasonAndProjectUrlsIsInert() throws Exception {
        browser.manage().deleteAllCookies();
        signIn(key);
        for (String path : List.of("/dev/", "/dev/?q=xss", "/dev/-/project/xss-demo/", "/dev/-/project/xss-demo/1.0/",
                "/dev/-/project/xss-demo/2.0/")) {
            browser.get(url(path));
            noAlertAndNoScriptFromMetadata();
        }
        browser.get(url("/dev/-/project/xss-demo/"));
        String text = browser.findElement(By.tagName("main")).getText();
        assertThat(text).contains("<script>alert('xss')</script>"); // shown as text, not run
        screenshot("xss-inert");
        browser.get(url("/dev/-/project/xss-demo/1.0/"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Home: javascript:alert('url')")
                .contains("Yanked: <script>alert('xss')</script>");
        // The onmouseover smuggled into a URL is neither an attribute nor a link.
        assertThat(browser.findElements(By.cssSelector("a[href^='https://example.com']"))).isEmpty();
        browser.get(url("/-/signin?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"));
        noAlertAndNoScriptFromMetadata();
    }
}
