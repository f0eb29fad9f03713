package dev.fader.testing;

import dev.fader.app.Instance;
import dev.fader.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** A whole Fader instance (proxy, feedback, metrics, admin) from a YAML file written to a temp folder. */
public final class TestInstance implements AutoCloseable {
    private final Path file;
    private final Instance instance;

    private TestInstance(Path file, Instance instance) {
        this.file = file;
        this.instance = instance;
    }

    /** {@code yaml} should listen and (when the admin API is wanted) set admin on 127.0.0.1:0. */
    public static TestInstance start(Path dir, String yaml) throws Exception {
        return start(dir, yaml, 2);
    }

    /** As {@link #start(Path, String)}, with {@code threads} proxy event loops. */
    public static TestInstance start(Path dir, String yaml, int threads) throws Exception {
        Path file = dir.resolve("rollout.yaml");
        Files.writeString(file, yaml);
        return new TestInstance(file, new Instance(file, ConfigLoader.load(file), threads).start());
    }

    public Instance instance() {
        return instance;
    }

    public Path file() {
        return file;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + instance.proxyAddress().getPort() + path);
    }

    public URI admin(String path) {
        return URI.create("http://127.0.0.1:" + instance.adminAddress().getPort() + path);
    }

    /** The value of one Prometheus sample line, or -1 when absent. */
    public double metric(String nameAndLabels) {
        return sample(instance.metrics().scrape(), nameAndLabels);
    }

    /** The value of the sample line {@code nameAndLabels} in a Prometheus text scrape, or -1 when absent. */
    public static double sample(String scrape, String nameAndLabels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
            }
        }
        return -1;
    }

    @Override
    public void close() {
        instance.close();
    }
}
