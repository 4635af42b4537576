package io.pypub.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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
    void buildPageShowsWhatWasPublishedWithLinks(JenkinsRule j) throws Exception {
        WorkflowRun b = finishedBuild(j, "build-page");
        PythonPackageAction.record(b, helloPackage("dev"), "https://pypi.example.com/dev/simple/hello-package/",
                "https://pypi.example.com/dev/docs/hello-package/0.1.0/",
                "pip install --index-url https://pypi.example.com/dev/simple/ hello-package==0.1.0");
        b.save();

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            HtmlPage page = wc.getPage(b);
            String text = text(page);
            assertTrue(text.contains("Hello_Package 0.1.0"), text);
            assertTrue(text.contains("hello_package-0.1.0.tar.gz"), text);
            assertTrue(text.contains("hello_package-0.1.0-py3-none-any.whl"), text);
            assertTrue(text.contains("1234"), "the size of the sdist: " + text);
            assertTrue(text.contains("pip install --index-url https://pypi.example.com/dev/simple/ hello-package==0.1.0"), text);
            assertNotNull(page.getAnchorByHref("https://pypi.example.com/dev/simple/hello-package/"), "link to the index page");
            assertNotNull(page.getAnchorByHref("https://pypi.example.com/dev/docs/hello-package/0.1.0/"), "link to the docs");
        }
    }

    @Test
    void jobPageShowsTheBadgeInTheBuildHistory(JenkinsRule j) throws Exception {
        WorkflowRun b = finishedBuild(j, "job-page");
        PythonPackageAction.record(b, helloPackage("dev"), null, null, null);
        b.save();

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            HtmlPage page = wc.getPage(b.getParent());
            DomElement badge = waitFor(wc, page, ".pypub-badge");
            assertNotNull(badge, "pypub's badge in the build history of " + page.getWebResponse().getContentAsString());
            assertEquals("Hello_Package 0.1.0 published to dev", badge.getAttribute("aria-label"));
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

    /** The value attributes of the form fields with this name, in page order. */
    static List<String> values(HtmlPage page, String name) {
        List<String> values = new ArrayList<>();
        for (DomElement e : page.getElementsByName(name)) {
            values.add(e.getAttribute("value"));
        }
        return values;
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
