package io.pypub.core.inspect;

import io.pypub.core.release.DistFilename;
import io.pypub.core.release.PackageType;
import java.nio.file.Path;
import java.util.List;

/** A built file with what its name says and what its metadata says. */
public record InspectedDistribution(Path file, DistFilename filename, CoreMetadata metadata) {

    /**
     * Whether the metadata may be served as PEP 658 {@code .metadata}: always for wheels; for
     * sdists only when it is static (Metadata-Version 2.2+ without Dynamic fields, PEP 643).
     */
    public boolean servesMetadata() {
        if (filename.type() == PackageType.WHEEL) {
            return true;
        }
        String mv = metadata.metadataVersion();
        List<String> dynamic = metadata.getAll("Dynamic");
        return mv != null && !mv.startsWith("1.") && !mv.equals("2.0") && !mv.equals("2.1") && dynamic.isEmpty();
    }
}
