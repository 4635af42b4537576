package io.pypub.core.publish;

/**
 * A release already has a file of that name with other bytes. File names are never reused: the
 * message starts with "File already exists", the text {@code twine upload --skip-existing} and
 * {@code uv publish} recognise (PyPI answers the same).
 */
public final class FileExistsException extends RuntimeException implements io.pypub.core.error.UserError {
    public FileExistsException(String message) {
        super(message);
    }
}
