package dev.fader.observe;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.nio.charset.StandardCharsets;

/**
 * An incremental JSON reader that keeps only what Fader measures of an OpenAI-compatible answer or chunk:
 * {@code choices[].finish_reason}, the content strings ({@code choices[].delta|message.content},
 * {@code .reasoning_content}, {@code .refusal}, {@code choices[].text}, tool-call arguments) and
 * {@code usage.prompt_tokens|completion_tokens}. Fed in pieces split anywhere, it holds fixed state: the
 * path as key ids (depth at most {@link #MAX_DEPTH}), the key being read (up to {@link #MAX_KEY} bytes), the
 * finish reason, and only with {@link #keepText} a bounded sample of the content. Nothing else is stored.
 * Fields found accumulate across {@link #nextValue} calls (one per stream event).
 */
final class AnswerFields {
    static final int MAX_DEPTH = 32;
    static final int MAX_KEY = 24;

    // states; ints rather than an enum: the switch below is the hot loop of every observed answer
    private static final int VALUE = 0;
    private static final int OBJECT_FIRST = 1;
    private static final int OBJECT_KEY = 2;
    private static final int KEY = 3;
    private static final int AFTER_KEY = 4;
    private static final int ARRAY_FIRST = 5;
    private static final int AFTER_VALUE = 6;
    private static final int STRING = 7;
    private static final int NUMBER = 8;
    private static final int LITERAL = 9;
    private static final int DONE = 10;
    private static final int FAILED = 11;

    private final boolean[] object = new boolean[MAX_DEPTH];
    private final int[] key = new int[MAX_DEPTH];
    private final byte[] keyBytes = new byte[MAX_KEY];
    private final byte[] finishBytes = new byte[MAX_KEY];
    private int state = VALUE;
    private int depth;
    private int keyLength;
    private boolean keyEscaped;
    private int target;
    private int escape; // 0: none; 1: after a backslash; 2..5: reading \\u hex digits
    private int unicode;
    private boolean sayNonEmpty;
    private long number;
    private boolean fraction;

    // found so far
    long inputTokens = -1;
    long outputTokens = -1;
    String finishReason;
    int finishLength = -1;
    /** Non-empty content strings: in a stream, one per delta, which is how output tokens are estimated. */
    int contentStrings;
    long contentBytes;
    long firstContentNanos = -1;
    long lastContentNanos = -1;
    /** Read by the caller before each piece: the time to stamp the content found in it with. */
    long now;
    private TextSample text;

    /** Keeps up to {@code maxBytes} of the content as UTF-8 (for a judge). */
    void keepText(int maxBytes) {
        text = new TextSample(maxBytes);
    }

    /** The content kept by {@link #keepText}, or null. */
    String text() {
        return text == null ? null : text.toString();
    }

    /** One whole JSON value was read and nothing but white space follows it. */
    boolean complete() {
        return state == DONE;
    }

    boolean failed() {
        return state == FAILED;
    }

    /** Nothing of a value has been read yet. */
    boolean untouched() {
        return state == VALUE && depth == 0;
    }

    /** Starts reading another value (the next event of a stream); what was found is kept. */
    void nextValue() {
        state = VALUE;
        depth = 0;
        escape = 0;
        target = AnswerPath.SKIP;
    }

    /**
     * Reads {@code buf[from, to)} in place. The bulk of an answer is string bytes (keys, ids, model names,
     * the content itself): those are passed over in a tight scan for the next quote or backslash, with only
     * their count (and, for a judge, their bytes) taken; the rest goes byte by byte through {@link #process}.
     * Sockets fill direct buffers, which are read at their memory address as Netty's own scans do (a
     * checked read per byte costs several times more); other buffers are read byte by byte.
     */
    void feed(ByteBuf buf, int from, int to) {
        if (!buf.hasMemoryAddress()) {
            for (int i = from; i < to; i++) {
                process(buf.getByte(i));
            }
            return;
        }
        long address = buf.memoryAddress();
        int i = from;
        while (i < to) {
            if ((state == KEY || state == STRING && target != AnswerPath.FINISH) && escape == 0) {
                int end = ByteScan.find(address, i, to, (byte) '"', (byte) '\\');
                if (end > i) {
                    if (state == KEY) {
                        int at = Math.min(keyLength, MAX_KEY); // a longer key is none of ours: its tail is not kept
                        PlatformDependent.copyMemory(address + i, keyBytes, at, Math.min(end - i, MAX_KEY - at));
                        keyLength += end - i;
                    } else if (target == AnswerPath.SAY) {
                        said(address + i, end - i);
                    }
                    i = end;
                    continue;
                }
            }
            process(PlatformDependent.getByte(address + i++));
        }
    }

    /** A run of {@code length} plain content bytes at {@code address}. */
    private void said(long address, int length) {
        said();
        contentBytes += length;
        if (text != null) {
            text.add(address, length);
        }
    }

    /** Content arrived now: the first of a string makes it one more non-empty one. */
    private void said() {
        if (!sayNonEmpty) {
            sayNonEmpty = true;
            contentStrings++;
            if (firstContentNanos < 0) {
                firstContentNanos = now;
            }
        }
        lastContentNanos = now;
    }

    /** One byte through the state machine (always true, in the shape of a byte processor). */
    boolean process(byte b) {
        while (true) {
            switch (state) {
                case VALUE:
                    if (space(b)) {
                        return true;
                    }
                    return startValue(b);
                case OBJECT_FIRST:
                    if (b == '}') {
                        return close(true);
                    }
                    // fall through: the first key
                case OBJECT_KEY:
                    if (space(b)) {
                        return true;
                    }
                    if (b != '"') {
                        return fail();
                    }
                    state = KEY;
                    keyLength = 0;
                    keyEscaped = false;
                    return true;
                case KEY:
                    return keyByte(b);
                case AFTER_KEY:
                    if (space(b)) {
                        return true;
                    }
                    if (b != ':') {
                        return fail();
                    }
                    key[depth - 1] = keyEscaped ? AnswerPath.OTHER : AnswerPath.lookup(keyBytes, keyLength);
                    state = VALUE;
                    return true;
                case ARRAY_FIRST:
                    if (space(b)) {
                        return true;
                    }
                    if (b == ']') {
                        return close(false);
                    }
                    return startValue(b);
                case AFTER_VALUE:
                    if (space(b)) {
                        return true;
                    }
                    if (b == ',') {
                        state = object[depth - 1] ? OBJECT_KEY : VALUE;
                        return true;
                    }
                    if (b == '}' || b == ']') {
                        return close(b == '}');
                    }
                    return fail();
                case STRING:
                    return stringByte(b);
                case NUMBER:
                    if ((b >= '0' && b <= '9') || b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-') {
                        numberByte(b);
                        return true;
                    }
                    endNumber();
                    continue; // this byte belongs to what follows the number
                case LITERAL:
                    if (b >= 'a' && b <= 'z') {
                        return true;
                    }
                    afterValue();
                    continue;
                case DONE:
                    return space(b) || fail();
                default:
                    return true; // FAILED: the rest of this value is not read
            }
        }
    }

    private boolean startValue(byte b) {
        if (b == '{' || b == '[') {
            if (depth == MAX_DEPTH) {
                return fail();
            }
            object[depth] = b == '{';
            key[depth] = AnswerPath.OTHER;
            depth++;
            state = b == '{' ? OBJECT_FIRST : ARRAY_FIRST;
            return true;
        }
        target = AnswerPath.target(depth, key, object);
        if (b == '"') {
            state = STRING;
            sayNonEmpty = false;
            if (target == AnswerPath.FINISH) {
                finishLength = 0;
            }
            return true;
        }
        if (b == '-' || (b >= '0' && b <= '9')) {
            state = NUMBER;
            number = 0;
            fraction = false;
            numberByte(b);
            return true;
        }
        if (b == 't' || b == 'f' || b == 'n') {
            state = LITERAL;
            return true;
        }
        return fail();
    }

    private boolean keyByte(byte b) {
        if (escape == 1) {
            escape = 0; // an escaped key is none of ours
            return true;
        }
        if (b == '\\') {
            escape = 1;
            keyEscaped = true;
            return true;
        }
        if (b == '"') {
            state = AFTER_KEY;
            return true;
        }
        if (keyLength < MAX_KEY) {
            keyBytes[keyLength] = b;
        }
        keyLength++;
        return true;
    }

    private boolean stringByte(byte b) {
        if (escape == 0) {
            if (b == '"') {
                endString();
                return true;
            }
            if (b == '\\') {
                escape = 1;
                return true;
            }
            stringContent(b); // a raw control character is tolerated: this reader observes, it does not validate
            return true;
        }
        if (escape == 1) {
            if (b == 'u') {
                escape = 2;
                unicode = 0;
                return true;
            }
            escape = 0;
            int k = "ntrbf\"\\/".indexOf(b);
            if (k < 0) {
                return fail();
            }
            stringContent((byte) "\n\t\r\b\f\"\\/".charAt(k));
            return true;
        }
        int digit = Character.digit(b, 16);
        if (digit < 0) {
            return fail();
        }
        unicode = unicode << 4 | digit;
        if (++escape == 6) {
            escape = 0;
            codePoint(unicode);
        }
        return true;
    }

    private void stringContent(byte b) {
        if (target == AnswerPath.SAY) {
            said();
            contentBytes++;
            if (text != null) {
                text.add(b);
            }
        } else if (target == AnswerPath.FINISH && finishLength >= 0 && finishLength < MAX_KEY) {
            finishBytes[finishLength++] = b;
        }
    }

    /** A {@code \\u} escape: counted as content (about two bytes of it), decoded only into a judge's sample. */
    private void codePoint(int unit) {
        if (target != AnswerPath.SAY) {
            stringContent((byte) '?'); // only its presence matters outside the content
            return;
        }
        said();
        contentBytes += 2;
        if (text != null) {
            text.codePoint(unit);
        }
    }

    private void endString() {
        if (target == AnswerPath.FINISH && finishReason == null && finishLength > 0) {
            finishReason = new String(finishBytes, 0, Math.min(finishLength, MAX_KEY), StandardCharsets.US_ASCII);
        }
        if (text != null) {
            text.endString();
        }
        afterValue();
    }

    private void numberByte(byte b) {
        if (b >= '0' && b <= '9' && !fraction) {
            number = Math.min(number * 10 + (b - '0'), 1L << 50);
        } else if (b != '-') {
            fraction = true; // tokens are whole numbers; anything after a '.' or 'e' is ignored
        }
    }

    private void endNumber() {
        if (target == AnswerPath.INPUT) {
            inputTokens = number;
        } else if (target == AnswerPath.OUTPUT) {
            outputTokens = number;
        }
        afterValue();
    }

    private void afterValue() {
        target = AnswerPath.SKIP;
        state = depth == 0 ? DONE : AFTER_VALUE;
    }

    private boolean close(boolean isObject) {
        if (object[depth - 1] != isObject) {
            return fail();
        }
        depth--;
        afterValue();
        return true;
    }

    private boolean fail() {
        state = FAILED;
        return true; // keep consuming: the caller decides where the next value starts
    }

    private static boolean space(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
