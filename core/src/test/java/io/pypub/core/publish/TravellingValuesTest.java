package io.pypub.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.testing.TestEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The core values the Jenkins plugin sends between controller and agent, through Java serialization as
 * remoting does: each comes back equal, and names only classes the receiving side's class filter admits
 * (docs/ARCHITECTURE.md, "Values that travel").
 */
class TravellingValuesTest {
    /** What an ObjectInputStream resolved while reading one value, as remoting's ObjectInputStreamEx sees it. */
    private record Read(Object value, Set<String> classes) {}

    private static byte[] write(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private static Read read(byte[] bytes) throws IOException, ClassNotFoundException {
        Set<String> classes = new TreeSet<>();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                classes.add(desc.getName());
                return super.resolveClass(desc);
            }
        }) {
            return new Read(in.readObject(), classes);
        }
    }

    private static Read roundTrip(Object value) throws IOException, ClassNotFoundException {
        return read(write(value));
    }

    // ---- controller to agent: the agent filters with remoting's blacklist (java.security.*, java.rmi.*, ...) ----

    @Test
    void theTargetsSettingsTravelToTheAgentAsTheyAre() throws Exception {
        AwsSettings settings = new AwsSettings("eu-west-1", "acme-packages", "python/", "acme-docs", "acme-versions", "acme-access",
                URI.create("http://127.0.0.1:9000"), URI.create("http://127.0.0.1:8000"));
        Read r = roundTrip(settings);
        assertThat(r.value()).isEqualTo(settings);
        assertThat(r.classes()).containsExactly("io.pypub.core.storage.AwsSettings", "java.net.URI");
        AwsSettings defaults = new AwsSettings(null, "b", null, null, null, null, null, null);
        assertThat(roundTrip(defaults).value()).isEqualTo(defaults);
    }

    @Test
    void theStageTravelsAndIsCheckedAgainWhereItArrives() throws Exception {
        Read r = roundTrip(Stage.of("prod"));
        assertThat(r.value()).isEqualTo(Stage.of("prod"));
        assertThat(r.classes()).containsExactly("io.pypub.core.release.Stage");
        // A record is rebuilt through its canonical constructor: a stream that says "Prod" is refused, not trusted.
        byte[] bytes = write(Stage.of("prod"));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("prod");
        bytes[at] = 'P';
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(InvalidObjectException.class).hasMessageContaining("Invalid stage 'Prod'");
    }

    // ---- agent to controller: Jenkins' ClassFilterImpl admits plugin jars, a list of JDK classes, and names a plugin lists ----

    /** JDK classes PublishSummary's stream may name: each is in Jenkins core's whitelisted-classes.txt. */
    private static final Set<String> JDK_WHITELISTED = Set.of("java.util.ArrayList", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableRandomAccessList");

    @Test
    void thePublishSummaryComesBackThroughTheControllersClassFilter() throws Exception {
        Set<String> pluginListed = new TreeSet<>();
        for (String line : Files.readAllLines(TestEnvironment.repoRoot().resolve("plugin/src/main/resources/META-INF/hudson.remoting.ClassFilter"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                pluginListed.add(line.strip());
            }
        }
        for (PublishSummary summary : new PublishSummary[] {PublishSummaryTest.withLinks(), PublishSummaryTest.withoutIndexUrl()}) {
            Read r = roundTrip(summary);
            assertThat(r.value()).isEqualTo(summary);
            assertThat(((PublishSummary) r.value()).toMap()).isEqualTo(summary.toMap());
            Set<String> core = new TreeSet<>(r.classes());
            core.removeAll(JDK_WHITELISTED);
            // Anything else (List.of's java.util.CollSer, a new core type) would be rejected on the controller.
            assertThat(core).as("classes besides whitelisted JDK ones").isEqualTo(pluginListed);
        }
    }
}
