package io.s3replicator.observe;

import io.s3replicator.record.RunStats;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.Http;
import io.s3replicator.testing.PairsYaml;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The status page in a real browser (headless Chromium from Debian's packages, driven through
 * its chromedriver) after a real run: what a person sees, as text, and a screenshot for the README.
 */
class StatusPageBrowserTest extends TwoEndpoints {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The README shows it; each run of the test writes it again. */
    static final Path SCREENSHOT = Path.of("docs/status-page.png");
    static final String TIME = "\\d\\d:\\d\\d:\\d\\d";

    static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1400,720", "--lang=en-GB");
        // The Debian driver, named: Selenium Manager (which downloads drivers) is never asked.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Polls the page's text until it matches, as a person would wait for the next refresh. */
    static String awaitText(WebDriver browser, Pattern expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String text = browser.findElement(By.tagName("body")).getText();
        while (!expected.matcher(text).matches() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            text = browser.findElement(By.tagName("body")).getText();
        }
        return text;
    }

    @Test
    void the_status_page_shows_each_pair_with_its_last_diff_copies_throughput_and_failures() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "status page browser test skipped: no /usr/bin/chromium and /usr/bin/chromedriver"
                        + " (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        String a = Buckets.create(src, "status-src");
        String b = armedBucket(dst, "status-dst");
        Buckets.put(src, a, "one.txt", "1");
        Buckets.put(src, a, "ten.txt", "0123456789");
        Buckets.put(src, a, "dir/hundred.bin", "x".repeat(100));
        Buckets.put(src, a, "denied.txt", "no");
        FaultInjector.failPuts(b, "denied.txt", 403);
        // Every write waits 5 s: long enough for the page (refreshed every 2 s) to show the run in progress.
        FaultInjector.slowPuts(b, 5_000);
        int port = Http.freePort();
        String yaml = PairsYaml.pair("photos", a, srcEndpoint, b, dstEndpoint);

        try (RunningReplicator replicator = RunningReplicator.start(state, yaml,
                Map.of("camel.management.port", String.valueOf(port)))) {
            WebDriver browser = chromium(Files.createDirectories(state.resolve("chromium-profile")));
            try {
                browser.get("http://127.0.0.1:" + port + "/");
                // Before the first diff: the pair is there, nothing done yet.
                String before = awaitText(browser, Pattern.compile("(?s).*\nphotos .* not yet .*"), Duration.ofSeconds(20));
                assertThat(before).contains("photos s3://" + a + "/ → s3://" + b + "/ not yet 0 objects, 0 B");

                RunStats run = replicator.diff("photos");
                // While the four writes wait: the pair's diff is done and its four jobs are in flight.
                Pattern during = Pattern.compile("(?s).*\nReadiness: UP Transfers in flight: 4 .*\nphotos s3://"
                        + a + "/ → s3://" + b + "/ " + TIME + " ok 0 objects, 0 B \\S+ B/s 4 0 0 0\n.*");
                assertThat(awaitText(browser, during, Duration.ofSeconds(5))).matches(during);
                assertThat(run.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();

                Pattern after = Pattern.compile("""
                        s3-replicator
                        Updated %1$s, every 2 s
                        Process
                        Readiness: UP Transfers in flight: 0 Jobs queued: 0 Jobs pending: 0 Diffs running: 0 \
                        Dead-letter queue: none \\(embedded queue: failures stay in the state store and the report\\)
                        Replication pairs
                        Pair Source → destination Last diff Copied Throughput \\(last 5 min\\) In flight Deleted Skipped Failed
                        photos s3://%2$s/ → s3://%3$s/ %1$s ok 3 objects, 111 B [1-9][0-9.]* (B|KiB)/s 0 0 0 1 permanent
                        Endpoints
                        Health Readiness Metrics \\(Prometheus\\) Jolokia \\(JMX\\)""".formatted(TIME, a, b));
                String text = awaitText(browser, after, Duration.ofSeconds(20));
                assertThat(text).matches(after);

                List<WebElement> links = browser.findElements(By.cssSelector("nav a"));
                assertThat(links).extracting(l -> l.getAttribute("href")).containsExactly(
                        "http://127.0.0.1:" + port + "/observe/health",
                        "http://127.0.0.1:" + port + "/observe/health/ready",
                        "http://127.0.0.1:" + port + "/observe/metrics",
                        "http://127.0.0.1:" + port + "/observe/jolokia");
                // The links lead somewhere: each answers 200 (Jolokia with its version document).
                for (WebElement link : links) {
                    assertThat(Http.get(link.getAttribute("href")).status()).as(link.getText()).isEqualTo(200);
                }

                Files.createDirectories(SCREENSHOT.getParent());
                File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                Files.copy(shot.toPath(), SCREENSHOT, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                browser.quit();
            }
        }
    }
}
