package dev.fader.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The live page's files, all from the jar (nothing from outside the admin port): the page itself, its
 * script and style, and uPlot from its WebJar. Read once, at first use.
 */
final class Page {
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";

    /** name under /ui/ -> {classpath resource, content type}. */
    private static final Map<String, String[]> FILES = Map.of(
            "page.js", new String[] {"/dev/fader/admin/page/page.js", "text/javascript; charset=utf-8"},
            "page.css", new String[] {"/dev/fader/admin/page/page.css", "text/css; charset=utf-8"},
            "uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private static final class Loaded {
        static final String INDEX = read("/dev/fader/admin/page/index.html");
        static final Map<String, String> TEXTS = Map.of(
                "page.js", read(FILES.get("page.js")[0]), "page.css", read(FILES.get("page.css")[0]),
                "uPlot.iife.min.js", read(FILES.get("uPlot.iife.min.js")[0]),
                "uPlot.min.css", read(FILES.get("uPlot.min.css")[0]));
    }

    private Page() {
    }

    static String index() {
        return Loaded.INDEX;
    }

    /** The file served at /ui/{@code name} with its content type, or null for any other name. */
    static String[] file(String name) {
        String[] f = FILES.get(name);
        return f == null ? null : new String[] {Loaded.TEXTS.get(name), f[1]};
    }

    private static String read(String resource) {
        try (InputStream in = Page.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
