package dev.fader.feedback;

/** Why a model stopped, as the contract's metric labels name it; {@link #NONE}: the answer ended without one. */
public enum FinishReason {
    STOP("stop"), LENGTH("length"), CONTENT_FILTER("content_filter"), TOOL_CALLS("tool_calls"), OTHER("other"),
    NONE("none");

    private final String label;

    FinishReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The reason a server wrote; the legacy {@code function_call} is a tool call, unknown reasons are {@link #OTHER}. */
    public static FinishReason of(String written) {
        return switch (written) {
            case "stop" -> STOP;
            case "length" -> LENGTH;
            case "content_filter" -> CONTENT_FILTER;
            case "tool_calls", "function_call" -> TOOL_CALLS;
            default -> OTHER;
        };
    }

    /** A configured reason (bad-finish: [...]); null when it is not one of the labels. */
    public static FinishReason ofLabel(String label) {
        for (FinishReason r : values()) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        return null;
    }
}
