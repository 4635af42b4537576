package io.pypub.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTypesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            index.html                 | text/html; charset=utf-8
            hello_package/sub.HTML     | text/html; charset=utf-8
            page.htm                   | text/html; charset=utf-8
            theme.css                  | text/css; charset=utf-8
            search.js                  | text/javascript; charset=utf-8
            module.mjs                 | text/javascript; charset=utf-8
            search.json                | application/json
            app.js.map                 | application/json
            logo.svg                   | image/svg+xml
            logo.png                   | image/png
            photo.jpg                  | image/jpeg
            photo.JPEG                 | image/jpeg
            spinner.gif                | image/gif
            favicon.ico                | image/x-icon
            font.woff                  | font/woff
            font.woff2                 | font/woff2
            font.ttf                   | font/ttf
            robots.txt                 | text/plain; charset=utf-8
            sitemap.xml                | application/xml
            manual.pdf                 | application/pdf
            objects.inv                | application/octet-stream
            Makefile                   | application/octet-stream
            .nojekyll                  | application/octet-stream
            trailing.                  | application/octet-stream
            dir.with.dots/README       | application/octet-stream
            """)
    void mapsExtensionsCaseInsensitively(String name, String expected) {
        assertThat(ContentTypes.forFileName(name)).isEqualTo(expected);
    }

    @Test
    void unknownExtensionsGetTheBinaryDefault() {
        assertThat(ContentTypes.forFileName("data.xyz")).isEqualTo(ContentTypes.DEFAULT).isEqualTo("application/octet-stream");
    }
}
