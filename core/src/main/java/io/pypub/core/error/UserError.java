package io.pypub.core.error;

/**
 * The one base type of failures a user can act on: bad input, a rule that said no, a conflict, storage
 * that is unreachable or refuses. The message is safe to show as it is (no secret, no stack trace
 * needed) and names settings neutrally (see {@code io.pypub.core.config.Setting#describe()}), so every
 * front end shows it the same way: {@code pypub} as its one {@code error: ...} line, the Jenkins steps as
 * the step's failure, without a stack trace. Implemented by core's exception types, which keep the
 * {@link IllegalArgumentException}/{@link IllegalStateException} superclasses existing callers catch.
 */
public interface UserError {
    /** The throwable's own message. */
    String getMessage();

    /**
     * What to tell the user about {@code e}, or null when it is not a failure they can act on (a bug, or
     * something the front end describes itself, such as a missing file or AWS being unreachable).
     * {@link IllegalArgumentException} and {@link IllegalStateException} count as user errors too: core
     * refuses bad input and broken rules with them.
     */
    static String messageOf(Throwable e) {
        if (e instanceof UserError || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return null;
    }

    static boolean is(Throwable e) {
        return messageOf(e) != null;
    }
}
