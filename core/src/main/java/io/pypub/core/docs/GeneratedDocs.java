package io.pypub.core.docs;

import java.nio.file.Path;
import java.util.List;

/** What pdoc wrote: the folder ready for {@link DocsUploader}, the modules documented and how many files. */
public record GeneratedDocs(Path dir, List<String> modules, int files) {
    public GeneratedDocs {
        modules = List.copyOf(modules);
    }
}
