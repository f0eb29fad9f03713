package dev.fader.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a rollout file's bytes as an outside input: a regular file only (a FIFO or a device would block the
 * reader, or never end), at most {@link #MAX_BYTES}, valid UTF-8. A file that hangs on read (a stuck network
 * mount) still blocks the calling thread: the reloader runs this on a thread of its own with a time limit.
 */
public final class RolloutFile {
    /** 16 MiB: a thousand-rollout file is a few hundred KiB; anything near this is a mistake or an attack. */
    public static final int MAX_BYTES = 16 << 20;

    private RolloutFile() {
    }

    public static String read(Path file) throws ConfigException {
        if (!Files.isRegularFile(file)) {
            throw error(file, Files.exists(file) ? "not a regular file (expected: a YAML file, not a FIFO, device or"
                    + " folder)" : "no such file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw error(file, "cannot read file: " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw error(file, "larger than " + MAX_BYTES + " bytes (expected: a rollout file of at most 16 MiB)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw error(file, "not UTF-8 text (expected: a YAML file in UTF-8)");
        }
    }

    private static ConfigException error(Path file, String message) {
        return new ConfigException(List.of(new ConfigError(file.toString(), 1, 1, message)));
    }
}
