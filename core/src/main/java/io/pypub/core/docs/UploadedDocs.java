package io.pypub.core.docs;

/** What {@link DocsUploader} wrote: the key prefix (ends with '/'), how many objects and their total size. */
public record UploadedDocs(String prefix, int files, long bytes) {}
