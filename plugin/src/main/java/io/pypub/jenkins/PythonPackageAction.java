package io.pypub.jenkins;

import hudson.model.BuildBadgeAction;
import hudson.model.Run;
import jenkins.model.RunAction2;

/**
 * A published release on its build: a summary on the build page (package, version, stage, files
 * with hashes, install command, links) and a badge in the build history. One per stage and
 * project, so a build that publishes to dev and then test shows both.
 */
public class PythonPackageAction implements RunAction2, BuildBadgeAction {
    private final PublishedPackage published;
    private final String indexUrl;
    private final String docsUrl;
    private final String installCommand;
    private transient Run<?, ?> run;

    PythonPackageAction(PublishedPackage published, String indexUrl, String docsUrl, String installCommand) {
        this.published = published;
        this.indexUrl = indexUrl;
        this.docsUrl = docsUrl;
        this.installCommand = installCommand;
    }

    /** Links and install command as core's summary has them; each may be null (no index URL, no docs). */
    static void record(Run<?, ?> run, PublishedPackage published, String indexUrl, String docsUrl, String installCommand) {
        for (PythonPackageAction existing : run.getActions(PythonPackageAction.class)) {
            if (existing.published.getStage().equals(published.getStage())
                    && existing.published.getProject().equals(published.getProject())) {
                run.removeAction(existing);
            }
        }
        run.addAction(new PythonPackageAction(published, indexUrl, docsUrl, installCommand));
    }

    public PublishedPackage getPublished() {
        return published;
    }

    public String getIndexUrl() {
        return indexUrl;
    }

    public String getDocsUrl() {
        return docsUrl;
    }

    public String getInstallCommand() {
        return installCommand;
    }

    public String getBadgeText() {
        return published.getDisplayName() + " " + published.getVersion() + " published to " + published.getStage();
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** No sidebar link: the summary and the badge are the whole UI. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Python package " + published.getDisplayName() + " " + published.getVersion();
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
