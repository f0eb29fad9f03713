package dev.fader.analysis;

import dev.fader.feedback.JsonWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Rollout state as one JSON file per rollout, written so that a crash leaves the old file or the new
 * one, never half of either: temp file, fsync, atomic rename, fsync of the folder.
 */
public final class StateStore {
    private final Path dir;

    public StateStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The rollout's state file. Rollout names are validated to {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}, so the
     * name is the file name as it is and two rollouts never share a file (before, {@code a/b} and {@code a_b} did).
     */
    public Path fileOf(String rollout) {
        if (!rollout.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("rollout name '" + rollout + "' cannot name a state file"
                    + " (expected: [A-Za-z0-9][A-Za-z0-9._-]{0,63}, as validation requires)");
        }
        return dir.resolve(rollout + ".json");
    }

    /**
     * Moves an unreadable state file aside as {@code NAME.corrupt-<epoch-millis>}, so that what it held stays for
     * an operator to read; returns the new file name, or null when there was nothing to move or it could not be.
     */
    public String keepAside(String rollout, long nowMillis) {
        Path f = fileOf(rollout);
        Path aside = f.resolveSibling(rollout + ".corrupt-" + nowMillis);
        try {
            Files.move(f, aside);
            return aside.getFileName().toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The saved state, null when there is none; throws when a file exists but cannot be read as state. */
    public RolloutState load(String rollout) throws IOException {
        Path f = fileOf(rollout);
        if (!Files.exists(f)) {
            return null;
        }
        return parse(Files.readString(f, StandardCharsets.UTF_8), f.toString());
    }

    /** A state from its JSON ({@link #json}); {@code where} names the source in the error. */
    public static RolloutState parse(String text, String where) throws IOException {
        try {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (!(o instanceof Map<?, ?> m)) {
                throw new IOException("not a JSON object");
            }
            List<RolloutState.Event> history = new ArrayList<>();
            if (m.get("history") instanceof List<?> events) {
                for (Object e : events) {
                    Map<?, ?> ev = (Map<?, ?>) e;
                    history.add(new RolloutState.Event(((Number) ev.get("at")).longValue(), (String) ev.get("from"),
                            (String) ev.get("to"), ((Number) ev.get("step")).intValue(), (String) ev.get("reason")));
                }
            }
            return new RolloutState((String) m.get("rollout"), (String) m.get("fingerprint"),
                    RolloutState.Phase.valueOf(((String) m.get("state")).toUpperCase()), ((Number) m.get("step")).intValue(),
                    (String) m.get("reason"), ((Number) m.get("stepStartedAt")).longValue(),
                    ((Number) m.get("updatedAt")).longValue(), history);
        } catch (RuntimeException e) {
            throw new IOException("cannot read " + where + ": " + e, e);
        }
    }

    public void save(RolloutState s) throws IOException {
        Files.createDirectories(dir);
        Path target = fileOf(s.rollout());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        byte[] bytes = (json(s) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a crash only once the folder is synced
        } catch (IOException e) {
            // some platforms cannot open a folder; the file content is already durable
        }
    }

    public static String json(RolloutState s) {
        JsonWriter w = new JsonWriter().beginObject()
                .field("rollout", s.rollout()).field("fingerprint", s.fingerprint()).field("state", s.phase().label())
                .field("step", s.step()).field("reason", s.reason()).field("stepStartedAt", s.stepStartedMillis())
                .field("updatedAt", s.updatedMillis());
        w.name("history").beginArray();
        for (RolloutState.Event e : s.history()) {
            w.beginObject().field("at", e.atMillis()).field("from", e.from()).field("to", e.to())
                    .field("step", e.step()).field("reason", e.reason()).endObject();
        }
        return w.endArray().endObject().toString();
    }
}
