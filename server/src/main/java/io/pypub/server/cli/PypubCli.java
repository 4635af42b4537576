package io.pypub.server.cli;

import io.pypub.core.audit.Redaction;
import io.pypub.core.error.UserError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import picocli.CommandLine.Command;

/** {@code pypub}: publish Python packages to S3 + DynamoDB and serve them as a package index. */
@Command(name = "pypub", mixinStandardHelpOptions = true, version = "pypub 0.1.0",
        description = "Publish Python packages to S3 + DynamoDB and serve them to pip, uv and poetry.")
public final class PypubCli {
    /**
     * Every command, in the order help lists them; each names itself in its own {@code @Command}. Not in the
     * annotation's {@code subcommands}: picocli would build every command's model at each start (about a third of
     * a short command's start), so {@link #commandLine} adds only the one invoked, or all of them for help and
     * for a command it does not know.
     */
    static final List<Class<?>> COMMANDS = List.of(PublishCommand.class, ServeCommand.class, InitCommand.class,
            DemoCommand.class, RollbackCommand.class, UnpinCommand.class, YankCommand.class, UnyankCommand.class,
            PromoteCommand.class, ImportCommand.class, PruneCommand.class, GcCommand.class, BackupCommand.class,
            RestoreCommand.class, KeysCommand.class, UsersCommand.class, AuditCommand.class, ConfigCommand.class,
            LsCommand.class, ShowCommand.class, NamesCommand.class);

    private final Map<String, String> env;

    private PypubCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The environment settings are read from: the process's, or the one a test gives {@link #run(Map, String...)}. */
    Map<String, String> env() {
        return env;
    }

    /** Set (to anything) to get the stack trace of an unexpected error as well. */
    static final String DEBUG_ENV = "PYPUB_DEBUG";

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs a command. The rule for failures: one line on stderr ({@code error: ...}) and a non-zero
     * exit, whatever was thrown: exit 2 for a command line picocli cannot parse, 1 for everything
     * else. A stack trace only with {@code PYPUB_DEBUG} set. Messages pass {@link Redaction} first.
     */
    public static int run(String... args) {
        return run(System.getenv(), args);
    }

    /** As {@link #run(String...)}, with settings read from {@code env} instead of the process environment. */
    public static int run(Map<String, String> env, String... args) {
        CommandLine cli = commandLine(new PypubCli(env), args);
        CliSettings.install(cli);
        cli.setParameterExceptionHandler((e, ignored) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("error: " + Redaction.secrets(e.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("error: " + Redaction.secrets(describe(e)));
            if (env.get(DEBUG_ENV) != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli.execute(args);
    }

    /** The command line with the command {@code args} names, or with every command if they name none. */
    static CommandLine commandLine(PypubCli root, String... args) {
        CommandLine cli = new CommandLine(root);
        List<Class<?>> invoked = args.length == 0 ? List.of() : COMMANDS.stream().filter(c -> names(c).contains(args[0])).toList();
        (invoked.isEmpty() ? COMMANDS : invoked).forEach(cli::addSubcommand);
        return cli;
    }

    /** A command's name and aliases, read from its annotation alone (picocli's model of it is what we avoid building). */
    private static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        List<String> names = new java.util.ArrayList<>(List.of(c.aliases()));
        names.add(c.name());
        return names;
    }

    /** The one line to show for any failure: the user's part of it if we know it, else what broke and where. */
    static String describe(Throwable e) {
        String user = userError(e);
        if (user != null) {
            return user;
        }
        StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        return "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + (at == null ? "" : " at " + at.getClassName() + "." + at.getMethodName() + ":" + at.getLineNumber())
                + " (a bug in pypub; set " + DEBUG_ENV + "=1 for the stack trace)";
    }

    /** What to tell the user about a failure they can act on, or null for anything else. */
    static String userError(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            String inner = userError(e.getCause());
            String outer = e.getMessage();
            boolean ownMessage = outer != null && !outer.equals(e.getCause().toString());
            return ownMessage && inner != null && !outer.contains(inner) ? outer + " (" + inner + ")" : inner != null ? inner : outer;
        }
        String user = UserError.messageOf(e); // core's one rule, shared with the Jenkins steps
        if (user != null) {
            return user;
        }
        if (e instanceof NoSuchFileException f) {
            return "No such file or folder: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "Permission denied: " + f.getFile();
        }
        if (e instanceof NotDirectoryException f) {
            return "Not a folder: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        if (e instanceof java.net.BindException || (e instanceof IOException && e.getCause() instanceof java.net.BindException)) {
            return "cannot listen: " + e.getMessage() + (e.getCause() != null && e.getCause() != e ? " (" + e.getCause().getMessage() + ")" : "")
                    + ". Is another server on that port? Pick another with --port.";
        }
        if (e instanceof FileNotFoundException || e instanceof IOException) {
            return "cannot read or write: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (e instanceof SdkClientException) {
            return "could not reach AWS: " + e.getMessage() + ". Check the network, the endpoints (--s3-endpoint, "
                    + "--dynamodb-endpoint), the region and the AWS credentials (default chain: environment, profile, role).";
        }
        if (e instanceof AwsServiceException) {
            return "AWS refused the request: " + e.getMessage() + ". Check that the credentials may use the bucket and "
                    + "tables (IAM), and that `pypub init` created them.";
        }
        return null;
    }
}
