package io.pypub.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The pages a user opens, rendered by Jenkins (Jelly, JEXL, the real layout) through the test
 * harness' browser: the build page with its pypub summary, the job page with the badge in the
 * build history, and the system configuration page with the targets. Each asserts on what the
 * user reads there, not only that the page rendered: a Jelly expression that does not compile
 * (e.g. a property named like a JEXL keyword, such as {@code f.size}) turns the page into a 500.
 */
@WithJenkins
class PagesTest {

    static final String SDIST_SHA = "0123456789abcdef".repeat(4);
    static final String WHEEL_SHA = "fedcba9876543210".repeat(4);

    static PublishedPackage helloPackage(String stage) {
        return new PublishedPackage("hello-package", "Hello_Package", "0.1.0", stage, "Says hello", "0.1.0", false, List.of(
                new PublishedPackage.PublishedFile("hello_package-0.1.0.tar.gz", SDIST_SHA, 1234, "sdist"),
                new PublishedPackage.PublishedFile("hello_package-0.1.0-py3-none-any.whl", WHEEL_SHA, 2345, "bdist_wheel")));
    }

    /** A finished pipeline build (nothing published by it) to hang pypub's action on. */
    static WorkflowRun finishedBuild(JenkinsRule j, String name) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition("echo 'built'", true));
        return j.buildAndAssertSuccess(p);
    }

    static String text(HtmlPage page) {
        return page.asNormalizedText();
    }

    @Test
    void buildPageShowsEveryOperationWithOutcomeFilesAndLinks(JenkinsRule j) throws Exception {
        WorkflowRun b = finishedBuild(j, "build-page");
        PythonPackageAction.record(b, "local", helloPackage("dev"), "https://pypi.example.com/dev/simple/hello-package/",
                "https://pypi.example.com/dev/docs/hello-package/0.1.0/",
                "pip install --index-url https://pypi.example.com/dev/simple/ hello-package==0.1.0",
                "0123456789abcdef0123456789abcdef01234567", "linux-1",
                "https://pypi.example.com/dev/-/project/hello-package/0.1.0/");
        Map<String, Object> promoted = new LinkedHashMap<>();
        promoted.put("operation", "promote");
        promoted.put("from", "dev");
        promoted.put("project", "hello-package");
        promoted.put("name", "Hello_Package");
        promoted.put("version", "0.1.0");
        promoted.put("stage", "prod");
        promoted.put("files", List.of(Map.of("filename", "hello_package-0.1.0.tar.gz", "sha256", SDIST_SHA, "size", 1234L)));
        promoted.put("latest", "0.1.0");
        promoted.put("indexUrl", "https://pypi.example.com/prod/simple/hello-package/");
        promoted.put("releaseUrl", "https://pypi.example.com/prod/-/project/hello-package/0.1.0/");
        promoted.put("message", "Promoted hello-package 0.1.0 from 'dev' to 'prod': 1 files, byte-identical (sha256 verified); "
                + "latest in 'prod' is 0.1.0.");
        PythonPackageAction.record(b, PypubOperation.lifecycle("local", promoted));
        PythonPackageAction.record(b, PypubOperation.failed("yank", "local", "hello-package", "0.2.0", "prod", null,
                "No release hello-package 0.2.0 in stage 'prod'."));

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            HtmlPage page = wc.getPage(b);
            String text = text(page);
            // One summary, every operation in order: what, where, outcome.
            assertEquals(1, page.querySelectorAll(".pypub-summary").size(), text);
            assertEquals(List.of("Published", "Promoted", "Yank failed"), texts(page, ".pypub-operation__title"));
            assertEquals(List.of("Hello_Package 0.1.0", "Hello_Package 0.1.0", "hello-package 0.2.0"),
                    texts(page, ".pypub-operation__what"));
            assertEquals(List.of("stage 'dev' of target 'local'", "'dev' to 'prod' of target 'local'",
                    "stage 'prod' of target 'local'"), texts(page, ".pypub-operation__where"));
            assertTrue(text.contains("Recorded; latest is now 0.1.0."), text);
            assertTrue(text.contains("Built from commit 0123456789ab on agent linux-1"), text);
            assertTrue(text.contains("byte-identical (sha256 verified)"), text);
            assertTrue(text.contains("No release hello-package 0.2.0 in stage 'prod'."), text);
            assertEquals(1, page.querySelectorAll(".pypub-operation--failed").size());

            // Files: whole names on one line, sizes for people, the SHA-256 abbreviated with the full value at hand.
            assertEquals(List.of("hello_package-0.1.0.tar.gz", "hello_package-0.1.0-py3-none-any.whl", "hello_package-0.1.0.tar.gz"),
                    texts(page, ".pypub-file__name"));
            for (DomNode name : page.querySelectorAll(".pypub-file__name")) {
                assertTrue(((DomElement) name).getAttribute("style").contains("white-space: nowrap"));
            }
            assertTrue(text.contains("1.2 KB"), text);
            DomElement sha = page.querySelector(".pypub-file__sha256");
            assertEquals(SDIST_SHA.substring(0, 12) + "\u2026", sha.asNormalizedText().strip());
            assertEquals(SDIST_SHA, sha.getAttribute("title"));
            assertTrue(!text.contains(SDIST_SHA), "the full SHA-256 is not spelled out in the table");

            // Install command and links.
            assertTrue(text.contains("pip install --index-url https://pypi.example.com/dev/simple/ hello-package==0.1.0"), text);
            assertNotNull(page.getAnchorByHref("https://pypi.example.com/dev/simple/hello-package/"), "index page of the publish");
            assertNotNull(page.getAnchorByHref("https://pypi.example.com/dev/docs/hello-package/0.1.0/"), "docs of the publish");
            assertNotNull(page.getAnchorByHref("https://pypi.example.com/prod/simple/hello-package/"), "index page of the promotion");
            // The release's page on the index (provenance, files, promote history), for the publish and the promotion.
            assertEquals("Release page", page.getAnchorByHref("https://pypi.example.com/dev/-/project/hello-package/0.1.0/")
                    .asNormalizedText().strip());
            assertNotNull(page.getAnchorByHref("https://pypi.example.com/prod/-/project/hello-package/0.1.0/"),
                    "release page of the promotion");
        }
    }

    @Test
    void buildsRecordedByTheFirstPluginVersionStillShowTheirPublish(JenkinsRule j) throws Exception {
        // The first versions kept one action per publish with the release in "published"; readResolve converts it.
        WorkflowRun b = finishedBuild(j, "old-build");
        String oldXml = "<io.pypub.jenkins.PythonPackageAction>"
                + "<published><project>hello-package</project><displayName>hello-package</displayName><version>0.0.9</version>"
                + "<stage>dev</stage><latestPinned>false</latestPinned><files/></published>"
                + "<indexUrl>https://pypi.example.com/dev/simple/hello-package/</indexUrl>"
                + "</io.pypub.jenkins.PythonPackageAction>";
        PythonPackageAction old = (PythonPackageAction) Run.XSTREAM2.fromXML(oldXml);
        assertEquals(1, old.getOperations().size());
        assertEquals("hello-package 0.0.9", old.getOperations().get(0).getWhat());
        assertEquals("https://pypi.example.com/dev/simple/hello-package/", old.getOperations().get(0).getIndexUrl());
        b.addAction(old);
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            assertTrue(text(wc.getPage(b)).contains("hello-package 0.0.9"));
        }
    }

    @Test
    void jobPageShowsTheBadgeInTheBuildHistory(JenkinsRule j) throws Exception {
        WorkflowRun b = finishedBuild(j, "job-page");
        PythonPackageAction.record(b, "local", helloPackage("dev"), null, null, null);
        PythonPackageAction.record(b, PypubOperation.failed("yank", "local", "hello-package", "0.2.0", "prod", null, "refused"));

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            HtmlPage page = wc.getPage(b.getParent());
            DomElement badge = waitFor(wc, page, ".pypub-badge");
            assertNotNull(badge, "pypub's badge in the build history of " + page.getWebResponse().getContentAsString());
            assertEquals("Published: Hello_Package 0.1.0 in dev\nYank failed: hello-package 0.2.0 in prod",
                    badge.getAttribute("aria-label"));
            assertTrue(badge.getAttribute("class").contains("pypub-badge--failed"));
        }
    }

    @Test
    void configurePageShowsEveryTarget(JenkinsRule j) throws Exception {
        PublishTarget dev = new PublishTarget("dev-target");
        dev.setBucket("acme-dev-packages");
        PythonPublisherConfiguration.get().setTargets(List.of(PythonPublisherConfigurationTest.fullTarget("prod"), dev));
        PythonPublisherConfiguration.get().setDefaultTarget("prod");

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            HtmlPage page = wc.goTo("configure");
            assertTrue(text(page).contains("Python Package Publisher"), "the section");
            assertEquals(List.of("prod", "dev-target"), values(page, "_.name"));
            assertEquals(List.of("acme-packages", "acme-dev-packages"), values(page, "_.bucket"));
            assertEquals(List.of("prod"), values(page, "_.defaultTarget"));

            // Each target's header names it (not "Target" on every one), with its delete button on that line.
            List<String> headers = new ArrayList<>();
            for (DomNode h : page.querySelectorAll(".pypub-target-header")) {
                headers.add(h.asNormalizedText());
                assertNotNull(h.querySelector(".repeatable-delete"), "delete button in the header: " + h.asXml());
            }
            List<String> names = texts(page, ".pypub-target-name");
            names.remove("New target"); // the template for "Add target", if the page's script has not removed it
            assertEquals(List.of("prod", "dev-target"), names);
            assertEquals(List.of("s3://acme-packages", "s3://acme-dev-packages"), texts(page, ".pypub-target-bucket"));

            // prod names the credential "aws-publisher", which does not exist here: the form says so
            // (validated by the page's script), rather than only showing "- current -" in the drop-down.
            assertTrue(waitForText(wc, page, "The AWS credentials 'aws-publisher' of the publishing target do not exist"),
                    text(page));
            assertEquals(headers.size(), page.querySelectorAll(".repeatable-delete").size(), "no delete button of its own row");
        }
    }

    static List<String> texts(HtmlPage page, String selector) {
        List<String> texts = new ArrayList<>();
        for (DomNode n : page.querySelectorAll(selector)) {
            texts.add(n.asNormalizedText().strip());
        }
        return texts;
    }

    /**
     * The non-empty value attributes of the form fields with this name, in page order (the empty
     * template a repeatable keeps for "Add" has none).
     */
    static List<String> values(HtmlPage page, String name) {
        List<String> values = new ArrayList<>();
        for (DomElement e : page.getElementsByName(name)) {
            if (!e.getAttribute("value").isEmpty()) {
                values.add(e.getAttribute("value"));
            }
        }
        return values;
    }

    /** Form validation messages arrive by JavaScript after the page loaded: wait (up to 20 s) for one. */
    static boolean waitForText(JenkinsRule.WebClient wc, HtmlPage page, String expected) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            if (text(page).contains(expected)) {
                return true;
            }
            wc.waitForBackgroundJavaScript(500);
            Thread.sleep(100);
        }
        return text(page).contains(expected);
    }

    /**
     * The build history of a job page is filled in by JavaScript after the page loaded: wait for
     * it (up to 20 s) instead of reading the first response only.
     */
    static DomElement waitFor(JenkinsRule.WebClient wc, HtmlPage page, String selector) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            DomElement e = page.querySelector(selector);
            if (e != null) {
                return e;
            }
            wc.waitForBackgroundJavaScript(500);
            Thread.sleep(100);
        }
        return page.querySelector(selector);
    }
}
