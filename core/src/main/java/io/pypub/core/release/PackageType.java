package io.pypub.core.release;

/** The kind of distribution file, with the names used in core metadata and PEP 691 JSON. */
public enum PackageType {
    SDIST("sdist"),
    WHEEL("bdist_wheel");

    private final String id;

    PackageType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static PackageType fromId(String id) {
        for (PackageType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown package type: " + id);
    }
}
