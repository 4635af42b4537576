package io.pypub.server.index;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/**
 * Where the bytes of a kept page live (see {@link RenderedPages}). A socket write of a heap buffer copies it into a
 * temporary direct buffer first (the JDK's {@code IOUtil}, on every write, and each thread keeps one as big as the
 * largest page it sent: up to 32 copies of a 380 KB root listing); a direct buffer is written as it is. So a big
 * page is copied into direct memory once, when it is rendered, and every response sends a view of it.
 */
final class KeptBytes {
    /** Below this the per-request copy is small next to the rest of a request; many small pages would crowd direct memory. */
    static final int DIRECT_MIN_BYTES = 16 * 1024;
    /**
     * Direct memory in use (Jetty's pools included) up to which a page may go direct: half of the 16 MiB the
     * container's options allow ({@code -XX:MaxDirectMemorySize}); past it pages stay on the heap, as before.
     */
    static final long DIRECT_BUDGET_BYTES = 8L * 1024 * 1024;
    private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct")).findFirst().orElse(null);

    private KeptBytes() {}

    /** The bytes, read-only: direct when big enough and within the budget, else the array itself, wrapped. */
    static ByteBuffer keep(byte[] bytes) {
        if (bytes.length >= DIRECT_MIN_BYTES && DIRECT != null && DIRECT.getMemoryUsed() + bytes.length <= DIRECT_BUDGET_BYTES) {
            return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
        }
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }
}
