package io.pypub.core.config;

/** The front ends that read settings: the {@code pypub} command line, the Lambda function, the Jenkins plugin. */
public enum Front { CLI, LAMBDA, JENKINS }
