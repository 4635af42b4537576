package io.pypub.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.TestEnvironment;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, "packages without cycles": the package dependency graph of core and server, read from the
 * compiled classes themselves (every class name in each class file's constant pool: references,
 * descriptors and generic signatures), must have no strongly connected component of more than one
 * package. Hand-rolled rather than jdeps or ArchUnit: a hundred lines, no tool to install, and it sees
 * exactly what the JVM links.
 *
 * <p>The last cycles went in issue 12: core's publish/docs/python/notify/audit (PublishLog moved to
 * {@code core.progress}, PublishException to {@code core.error}, and the notices stopped reading
 * PublishRequest/PublishResult) and server's index/access (IndexRequest/IndexResponse moved to
 * {@code server.exchange}, which both read). The configuration model ({@code io.pypub.core.config}) also
 * depends only on the lowest packages.
 */
class PackageCyclesTest {
    private static final Pattern CLASS_NAME = Pattern.compile("io/pypub/(?:core|server)/[A-Za-z0-9_/$]+");

    @Test
    void coreAndServerHaveNoPackageCycle() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String module : List.of("core", "server")) {
            Path classes = TestEnvironment.repoRoot().resolve(module).resolve("target/classes");
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String from = packageOf(classes.relativize(file).toString().replace('\\', '/'));
                    Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                    for (String name : classNames(file)) {
                        String target = packageOf(name);
                        if (!target.equals(from)) {
                            to.add(target);
                        }
                    }
                }
            }
        }
        assertThat(graph).containsKeys("io.pypub.core.config", "io.pypub.core.storage", "io.pypub.server.cli");
        List<Set<String>> cycles = cycles(graph);
        System.out.println("Package cycles of core and server (" + graph.size() + " packages):");
        cycles.forEach(c -> System.out.println("  " + c));
        assertThat(graph.get("io.pypub.core.config")).as("config depends only on the lowest packages")
                .allMatch(p -> p.equals("io.pypub.core.release") || p.equals("io.pypub.core.project") || p.equals("io.pypub.core.version")
                        || p.equals("io.pypub.core.error"));
        assertThat(graph.get("io.pypub.core.error")).as("the base exception type depends on nothing of pypub").isEmpty();
        assertThat(cycles).as("package cycles: each set depends on itself through all its members").isEmpty();
    }

    /** The graph above is expected to have no cycle, so show once that the search finds one where there is. */
    @Test
    void theSearchFindsACycleAndOnlyItsMembers() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of(
                "p.publish", Set.of("p.docs", "p.release"), "p.docs", Set.of("p.progress", "p.publish"),
                "p.progress", Set.of(), "p.release", Set.of(), "p.cli", Set.of("p.publish")));
        assertThat(cycles(graph)).containsExactly(Set.of("p.docs", "p.publish"));
        graph.put("p.docs", Set.of("p.progress"));
        assertThat(cycles(graph)).isEmpty();
    }

    static String packageOf(String classFileOrName) {
        String name = classFileOrName.endsWith(".class") ? classFileOrName.substring(0, classFileOrName.length() - 6) : classFileOrName;
        int slash = name.lastIndexOf('/');
        return name.substring(0, slash).replace('/', '.');
    }

    /** Every io.pypub class name mentioned in the constant pool of a class file. */
    static Set<String> classNames(Path classFile) throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + classFile);
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> {
                        Matcher m = CLASS_NAME.matcher(in.readUTF());
                        while (m.find()) {
                            names.add(m.group());
                        }
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++; // takes two entries
                    }
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
                }
            }
        }
        return names;
    }

    /** Strongly connected components with more than one package (Tarjan), each sorted. */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                strongConnect(node, graph, index, low, stack, onStack, result, counter);
            }
        }
        return result;
    }

    private static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
            Deque<String> stack, Set<String> onStack, List<Set<String>> result, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!graph.containsKey(w)) {
                continue; // a package without classes of its own here
            }
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, result, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                result.add(component);
            }
        }
    }
}
