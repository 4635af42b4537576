package io.pypub.core.storage;

/** What S3 says about an object: size, the sha256 we stored with it (may be null), and type. */
public record StoredObject(String key, long size, String sha256, String contentType) {}
