package io.pypub.jenkins;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.PluginWrapper;
import hudson.Util;
import hudson.model.Computer;
import hudson.model.Run;
import io.pypub.core.release.Provenance;
import java.util.HashMap;
import java.util.List;
import jenkins.model.Jenkins;

/** Core's {@link Provenance} of a publish, from the build: Jenkins URL, job, build number and URL, commit, agent, plugin version. */
final class BuildProvenance {
    private BuildProvenance() {}

    static Provenance of(Run<?, ?> run, EnvVars env, FilePath workspace) {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        String root = jenkins == null ? null : jenkins.getRootUrl();
        PluginWrapper plugin = jenkins == null ? null : jenkins.getPluginManager().getPlugin("pypub");
        return new Provenance(root, run.getParent().getFullName(), Integer.toString(run.getNumber()),
                root == null ? null : root + run.getUrl(), env == null ? null : Util.fixEmptyAndTrim(env.get("GIT_COMMIT")),
                agent(env, workspace), plugin == null ? null : plugin.getVersion(), List.of());
    }

    /** The node that holds the workspace: NODE_NAME as the {@code node} step sets it, else the workspace's computer. */
    private static String agent(EnvVars env, FilePath workspace) {
        String name = env == null ? null : Util.fixEmptyAndTrim(env.get("NODE_NAME"));
        if (name != null || workspace == null) {
            return name;
        }
        Computer c = workspace.toComputer();
        return c == null ? null : c.getName().isEmpty() ? "built-in" : c.getName();
    }

    /** The fields as a serializable map for the agent (core's record is not {@code Serializable}). */
    static HashMap<String, String> fields(Provenance p) {
        return new HashMap<>(p.fields());
    }
}
