package io.pypub.server.pages;

import static io.pypub.server.index.SimplePages.escape;

import java.util.List;
import java.util.Locale;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * A package's long description (its README) as safe HTML. Package metadata is written by whoever
 * publishes, so nothing in it may run in a reader's browser: Markdown ({@code text/markdown}) is
 * rendered by commonmark-java with raw HTML escaped, and the result is cleaned by jsoup against an
 * allow-list (no script, no event handlers, no style, links only to http(s)/mailto, images only
 * from https). reStructuredText and plain text are shown as escaped preformatted text: there is no
 * well-kept reStructuredText renderer for Java, and a half-right one would be worse than the source.
 */
public final class Readme {
    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true)
            .sanitizeUrls(true).build();
    private static final Safelist SAFE = Safelist.relaxed()
            .removeTags("img")
            .addTags("img")
            .addAttributes("img", "src", "alt", "title", "width", "height")
            .addProtocols("img", "src", "https")
            .removeProtocols("a", "href", "ftp")
            .addEnforcedAttribute("a", "rel", "nofollow noopener noreferrer");

    private Readme() {
    }

    /** The description rendered for a page: sanitized HTML, or an escaped {@code <pre>} block. */
    public static String html(String description, String contentType) {
        if (description == null || description.isBlank()) {
            return "";
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("text/markdown")) {
            return sanitize(RENDERER.render(PARSER.parse(description)));
        }
        return "<pre class=\"readme-text\">" + escape(description) + "</pre>";
    }

    /** Any HTML reduced to the allow-list. */
    static String sanitize(String html) {
        Document dirty = Jsoup.parseBodyFragment(html, ""); // no base: relative and emptied links lose their href
        Document clean = new Cleaner(SAFE).clean(dirty);
        clean.outputSettings().prettyPrint(false);
        return clean.body().html();
    }
}
