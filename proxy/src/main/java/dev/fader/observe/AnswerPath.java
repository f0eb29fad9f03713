package dev.fader.observe;

import java.nio.charset.StandardCharsets;

/**
 * Which values of an OpenAI-compatible answer {@link AnswerFields} keeps, by the keys on their path: keys
 * become small ids (one table lookup per key), and a value's meaning is decided once, when it starts.
 */
final class AnswerPath {
    // key ids along the path; OTHER for every key we do not look for
    static final int OTHER = 0;
    private static final int CHOICES = 1;
    private static final int USAGE = 2;
    private static final int PROMPT_TOKENS = 3;
    private static final int COMPLETION_TOKENS = 4;
    private static final int FINISH_REASON = 5;
    private static final int TEXT = 6;
    private static final int DELTA = 7;
    private static final int MESSAGE = 8;
    private static final int CONTENT = 9;
    private static final int TOOL_CALLS = 10;
    private static final int FUNCTION = 11;
    private static final int ARGUMENTS = 12;
    private static final int FUNCTION_CALL = 13;
    private static final int REASONING_CONTENT = 14;
    private static final int REFUSAL = 15;
    private static final byte[][] KEYS = keys("", "choices", "usage", "prompt_tokens", "completion_tokens",
            "finish_reason", "text", "delta", "message", "content", "tool_calls", "function", "arguments",
            "function_call", "reasoning_content", "refusal");

    // what a value is to us
    static final int SKIP = 0;
    static final int INPUT = 1;
    static final int OUTPUT = 2;
    static final int FINISH = 3;
    /** Something the model said: content, reasoning, a refusal, tool-call arguments. */
    static final int SAY = 4;

    private AnswerPath() {
    }

    /**
     * What the value about to start at {@code depth} is: {@code key[i]} is the current key of container i
     * (an object when {@code object[i]}).
     */
    static int target(int depth, int[] key, boolean[] object) {
        if (depth == 2 && key[0] == USAGE && object[1]) {
            return key[1] == PROMPT_TOKENS ? INPUT : key[1] == COMPLETION_TOKENS ? OUTPUT : SKIP;
        }
        if (depth < 3 || key[0] != CHOICES || object[1] || !object[2]) {
            return SKIP;
        }
        if (depth == 3) {
            return key[2] == FINISH_REASON ? FINISH : key[2] == TEXT ? SAY : SKIP;
        }
        if (key[2] != DELTA && key[2] != MESSAGE || !object[3]) {
            return SKIP;
        }
        int k = key[3];
        if (depth == 4) {
            return k == CONTENT || k == REASONING_CONTENT || k == REFUSAL ? SAY : SKIP;
        }
        if (depth == 5 && k == FUNCTION_CALL && object[4] && key[4] == ARGUMENTS) {
            return SAY;
        }
        return depth == 7 && k == TOOL_CALLS && !object[4] && object[5] && key[5] == FUNCTION && object[6]
                && key[6] == ARGUMENTS ? SAY : SKIP;
    }

    /** The id of the key in {@code bytes[0..length)}; a length beyond the array means a longer key: none of ours. */
    static int lookup(byte[] bytes, int length) {
        if (length >= BY_LENGTH.length || length == 0) {
            return OTHER;
        }
        outer:
        for (int id : BY_LENGTH[length]) { // most keys of a chunk ("id", "model", "index") share no length with ours
            byte[] k = KEYS[id];
            for (int i = 0; i < length; i++) {
                if (k[i] != bytes[i]) {
                    continue outer;
                }
            }
            return id;
        }
        return OTHER;
    }

    /** Key ids by key length. */
    private static final int[][] BY_LENGTH = byLength();

    private static int[][] byLength() {
        int longest = 0;
        for (byte[] k : KEYS) {
            longest = Math.max(longest, k.length);
        }
        int[][] out = new int[longest + 1][];
        for (int len = 0; len <= longest; len++) {
            int l = len;
            out[len] = java.util.stream.IntStream.range(1, KEYS.length).filter(id -> KEYS[id].length == l).toArray();
        }
        return out;
    }

    private static byte[][] keys(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
