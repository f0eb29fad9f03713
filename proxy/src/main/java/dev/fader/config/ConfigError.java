package dev.fader.config;

/** One problem in a rollout file, at a 1-based line and column. */
public record ConfigError(String file, int line, int column, String message) implements Comparable<ConfigError> {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }

    @Override
    public int compareTo(ConfigError o) {
        int c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }
}
