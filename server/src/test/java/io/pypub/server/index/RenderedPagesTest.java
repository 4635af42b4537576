package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A page is rendered once per catalog read: reused for the same data, rendered anew for new data. */
class RenderedPagesTest {

    @Test
    void rendersOncePerSourceAndAgainForNewData() {
        RenderedPages pages = new RenderedPages();
        AtomicInteger renders = new AtomicInteger();
        List<String> firstRead = new ArrayList<>(List.of("1.0"));
        List<String> secondRead = new ArrayList<>(List.of("1.0")); // equal, but from another read

        RenderedPages.Page a = pages.get("k", firstRead, () -> body(renders, "a"));
        RenderedPages.Page b = pages.get("k", firstRead, () -> body(renders, "b"));
        assertThat(b).isSameAs(a);
        assertThat(renders).hasValue(1);

        RenderedPages.Page c = pages.get("k", secondRead, () -> body(renders, "c"));
        assertThat(new String(bytes(c.body()), StandardCharsets.UTF_8)).isEqualTo("c");
        assertThat(c.etag()).isNotEqualTo(a.etag()).isEqualTo(RenderedPages.Page.of(bytes(c.body())).etag());
        assertThat(renders).hasValue(2);

        assertThat(bytes(pages.get("other", secondRead, () -> body(renders, "d")).body())).isEqualTo("d".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPageOverOneKibKeepsAGzipVariantWithItsOwnEtag() throws Exception {
        byte[] big = "<a href=\"x\">x</a>\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        RenderedPages.Page page = RenderedPages.Page.of(big);
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes(page.gzip())))) {
            assertThat(in.readAllBytes()).isEqualTo(big);
        }
        assertThat(page.gzipEtag()).isEqualTo(page.etag().replaceAll("\"$", "-gz\""));
        assertThat(RenderedPages.Page.of("small".getBytes(StandardCharsets.UTF_8)).gzip()).isNull();
        assertThat(RenderedPages.Page.once(big).gzip()).isNull(); // per-request pages are not compressed per request
    }

    @Test
    void requestsThatArriveDuringARenderShareIt() throws Exception {
        RenderedPages pages = new RenderedPages();
        AtomicInteger renders = new AtomicInteger();
        java.util.concurrent.CountDownLatch rendering = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> read = new ArrayList<>(List.of("1.0"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var first = pool.submit(() -> pages.get("k", read, () -> {
                rendering.countDown();
                await(release);
                return body(renders, "page");
            }));
            rendering.await();
            List<java.util.concurrent.Future<RenderedPages.Page>> others = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                others.add(pool.submit(() -> pages.get("k", read, () -> body(renders, "again"))));
            }
            release.countDown();
            RenderedPages.Page page = first.get();
            for (var f : others) {
                assertThat(f.get()).isSameAs(page);
            }
            assertThat(renders).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedRenderFailsItsWaitersAndTheNextRequestRendersAgain() {
        RenderedPages pages = new RenderedPages();
        List<String> read = new ArrayList<>(List.of("1.0"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pages.get("k", read, () -> {
            throw new IllegalStateException("table unavailable");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(bytes(pages.get("k", read, () -> "ok".getBytes(StandardCharsets.UTF_8)).body())).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer kept) {
        byte[] copy = new byte[kept.remaining()];
        kept.duplicate().get(copy);
        return copy;
    }

    private static byte[] body(AtomicInteger renders, String text) {
        renders.incrementAndGet();
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
