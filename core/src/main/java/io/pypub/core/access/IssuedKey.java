package io.pypub.core.access;

/** A key just created or rotated, with the only copy of its secret: show it once, then drop it. */
public record IssuedKey(ApiKey key, ApiKeyToken token) {
}
