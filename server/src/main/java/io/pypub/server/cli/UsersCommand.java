package io.pypub.server.cli;

import io.pypub.core.access.AccessException;
import io.pypub.core.access.DocsUser;
import io.pypub.core.access.DocsUserTable;
import io.pypub.core.access.DocsUsers;
import io.pypub.core.access.PasswordHasher;
import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.storage.AwsClients;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pypub users}: who may read the docs. Passwords come from a prompt without echo or from
 * stdin ({@code --password-stdin}), never from the command line, where other users and shell
 * history would see them.
 */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Add, remove, re-password and list docs users.",
        subcommands = {UsersCommand.Add.class, UsersCommand.Remove.class, UsersCommand.Passwd.class, UsersCommand.ListUsers.class})
final class UsersCommand {

    static DocsUsers users(AwsClients clients) {
        return new DocsUsers(new DocsUserTable(clients.dynamo(), clients.settings().accessTable()), new PasswordHasher(),
                Clock.systemUTC(), DocsUsers.DEFAULT_CACHE_TTL);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a docs user (asks for the password).")
    static final class Add implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Parameters(index = "0", description = "User name.")
        String name;

        @Option(names = "--stages", required = true, split = ",", description = "Stages whose docs the user may read, e.g. prod,test.")
        List<String> stages;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin instead of prompting.")
        boolean passwordStdin;

        @Mixin
        ActorOption actor;

        @Override
        public Integer call() throws Exception {
            DocsUser.validName(name);
            String password = readPassword(passwordStdin);
            try (AwsClients clients = aws.clients()) {
                AuditEvent.Builder event = AuditEvent.of("users.add", actor.actor()).user(name).detail("stages", String.join(",", stages));
                DocsUser u = ChangeLog.on(clients).run(event, () -> users(clients).add(name, stages, password),
                        r -> "Added docs user '" + r.name() + "' for stages " + String.join(",", r.stages()));
                System.out.println("Added docs user '" + u.name() + "' for stages " + String.join(",", u.stages()) + ".");
            }
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a docs user's password (asks for it).")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Parameters(index = "0", description = "User name.")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin instead of prompting.")
        boolean passwordStdin;

        @Mixin
        ActorOption actor;

        @Override
        public Integer call() throws Exception {
            DocsUser.validName(name);
            String password = readPassword(passwordStdin);
            try (AwsClients clients = aws.clients()) {
                ChangeLog.on(clients).run(AuditEvent.of("users.passwd", actor.actor()).user(name), () -> {
                    users(clients).passwd(name, password);
                    return name;
                }, r -> "Changed the password of docs user '" + r + "'");
                System.out.println("Changed the password of '" + name + "' (indexes accept only the new one within seconds).");
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a docs user.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Parameters(index = "0", description = "User name.")
        String name;

        @Mixin
        ActorOption actor;

        @Override
        public Integer call() {
            try (AwsClients clients = aws.clients()) {
                ChangeLog.on(clients).run(AuditEvent.of("users.remove", actor.actor()).user(name), () -> {
                    users(clients).remove(name);
                    return name;
                }, r -> "Removed docs user '" + r + "'");
                System.out.println("Removed docs user '" + name + "'.");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List docs users and their stages.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Override
        public Integer call() {
            try (AwsClients clients = aws.clients()) {
                System.out.printf("%-24s  %-20s  %s%n", "USER", "STAGES", "PASSWORD CHANGED");
                for (DocsUser u : users(clients).list()) {
                    System.out.printf("%-24s  %-20s  %s%n", u.name(), String.join(",", u.stages()), u.updated());
                }
            }
            return 0;
        }
    }

    /** From stdin (first line) or a no-echo prompt typed twice; checked before anything is stored. */
    static String readPassword(boolean fromStdin) throws IOException {
        String password;
        if (fromStdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            password = in.readLine();
            if (password == null) {
                throw new AccessException("No password on stdin");
            }
        } else {
            Console console = System.console();
            if (console == null) {
                throw new AccessException("No terminal to ask for the password: pipe it in with --password-stdin");
            }
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new AccessException("The passwords do not match");
            }
            password = new String(first);
            Arrays.fill(first, ' ');
            Arrays.fill(second, ' ');
        }
        PasswordHasher.checkAcceptable(password);
        return password;
    }
}
