package io.pypub.jenkins;

import hudson.model.BuildBadgeAction;
import hudson.model.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import jenkins.model.RunAction2;

/**
 * Every pypub operation of one build, in the order they ran: publishes, promotions, yanks,
 * unyanks, rollbacks and unpins, failed ones included. One action per build: a summary on the
 * build page (what, where, outcome, files, links) and one badge in the build history.
 */
public class PythonPackageAction implements RunAction2, BuildBadgeAction {
    private static final Logger LOGGER = Logger.getLogger(PythonPackageAction.class.getName());

    private List<PypubOperation> operations = new ArrayList<>();
    private transient Run<?, ?> run;

    // Builds recorded by the first plugin versions kept one action per publish with these fields;
    // readResolve turns them into an operation. Never written any more.
    private PublishedPackage published;
    private String indexUrl;
    private String docsUrl;
    private String installCommand;

    PythonPackageAction() {}

    /** Adds an operation to the build's pypub summary (creating it with the first one) and saves the build. */
    static void record(Run<?, ?> run, PypubOperation operation) {
        PythonPackageAction action;
        synchronized (PythonPackageAction.class) {
            action = run.getAction(PythonPackageAction.class);
            if (action == null) {
                action = new PythonPackageAction();
                run.addAction(action);
            }
            synchronized (action) {
                action.operations.add(operation);
            }
        }
        try {
            run.save();
        } catch (IOException e) {
            // Still on the build in memory; Jenkins saves the build again when it completes.
            LOGGER.log(Level.WARNING, "Could not save " + run + " after recording a pypub operation", e);
        }
    }

    /** A successful publish; links and install command as core's summary has them (each may be null). */
    static void record(Run<?, ?> run, String target, PublishedPackage published, String indexUrl, String docsUrl,
            String installCommand) {
        record(run, PypubOperation.published(target, published, indexUrl, docsUrl, installCommand));
    }

    /** The same, with the commit and agent it was built from. */
    static void record(Run<?, ?> run, String target, PublishedPackage published, String indexUrl, String docsUrl,
            String installCommand, String commit, String agent) {
        record(run, target, published, indexUrl, docsUrl, installCommand, commit, agent, null);
    }

    /** The same, with the link to the release's page on the index (core's summary's {@code releaseUrl}). */
    static void record(Run<?, ?> run, String target, PublishedPackage published, String indexUrl, String docsUrl,
            String installCommand, String commit, String agent, String releaseUrl) {
        record(run, PypubOperation.published(target, published, indexUrl, docsUrl, installCommand).builtFrom(commit, agent)
                .releasePage(releaseUrl));
    }

    protected Object readResolve() {
        if (operations == null) {
            operations = new ArrayList<>();
        }
        if (published != null) {
            operations.add(PypubOperation.published(null, published, indexUrl, docsUrl, installCommand));
            published = null;
            indexUrl = null;
            docsUrl = null;
            installCommand = null;
        }
        return this;
    }

    public synchronized List<PypubOperation> getOperations() {
        return List.copyOf(operations);
    }

    public synchronized boolean isAnyFailed() {
        return operations.stream().anyMatch(op -> !op.isSucceeded());
    }

    /** The badge's tooltip: one line per operation. */
    public synchronized String getBadgeText() {
        return operations.stream().map(PypubOperation::shortText).collect(Collectors.joining("\n"));
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
        return "Python packages (pypub)";
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
