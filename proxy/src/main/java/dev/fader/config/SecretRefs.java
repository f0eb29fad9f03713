package dev.fader.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Resolves the secret references of a field that takes secrets: {@code ${env:NAME}} is an environment
 * variable, {@code ${file:PATH}} a file's content (a trailing newline dropped, as {@code echo} and Kubernetes
 * Secrets leave one), whole or inside a string ({@code "Bearer ${env:KEY}"}); {@code $${} is a literal
 * {@code ${}. Errors name the reference, never a value. Files are read up to {@link #MAX_FILE} bytes and must
 * be regular files, so a FIFO or a device cannot hang a reload.
 */
final class SecretRefs {
    static final int MAX_FILE = 64 * 1024;

    private final Function<String, String> env;
    private final Path base;

    /** {@code base} resolves relative file paths (the rollout file's folder). */
    SecretRefs(Function<String, String> env, Path base) {
        this.env = env;
        this.base = base;
    }

    /** The text with every reference replaced; throws IllegalArgumentException naming the failing reference. */
    String resolve(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (c != '$' || !text.startsWith("${", i)) {
                out.append(c);
                i++;
                continue;
            }
            int end = text.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed reference at character " + (i + 1)
                        + " (expected: ${env:NAME} or ${file:PATH}; write $${ for a literal ${)");
            }
            out.append(lookup(text.substring(i + 2, end)));
            i = end + 1;
        }
        return out.toString();
    }

    private String lookup(String ref) {
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("${" + ref + "}: '" + name + "' is not a variable name"
                        + " (expected: letters, digits and _)");
            }
            String v = env.apply(name);
            if (v == null) {
                throw new IllegalArgumentException("${" + ref + "}: environment variable " + name + " is not set");
            }
            return v;
        }
        if (ref.startsWith("file:")) {
            return file(ref, ref.substring(5));
        }
        throw new IllegalArgumentException("${" + ref + "}: unknown reference (expected: ${env:NAME} or ${file:PATH})");
    }

    private String file(String ref, String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("${" + ref + "}: empty path (expected: ${file:/run/secrets/NAME})");
        }
        Path p = base.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("${" + ref + "}: " + (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    ? "not a regular file" : "no such file") + " (expected: a readable file holding the secret)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(p)) {
            bytes = in.readNBytes(MAX_FILE + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("${" + ref + "}: cannot read: " + e.getClass().getSimpleName());
        }
        if (bytes.length > MAX_FILE) {
            throw new IllegalArgumentException("${" + ref + "}: larger than " + MAX_FILE + " bytes (expected: a secret)");
        }
        String v = new String(bytes, StandardCharsets.UTF_8);
        if (v.endsWith("\r\n")) {
            return v.substring(0, v.length() - 2);
        }
        return v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
    }
}
