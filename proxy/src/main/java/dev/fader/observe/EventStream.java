package dev.fader.observe;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Reads a {@code text/event-stream} body in pieces split anywhere: lines end with CR, LF or CRLF; the
 * {@code data:} lines of an event are fed to {@link AnswerFields} as one JSON value (joined by a line
 * feed, as the format says), every other field and comment is skipped, and a blank line ends the event.
 * An event whose data is {@code [DONE]} ends the stream; one whose data is not a whole JSON value is
 * counted as malformed and the next event is read afresh. Holds no bytes of its own.
 */
final class EventStream {
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};

    private enum Line { START, FIELD, DATA_FIRST, DATA, SKIP }

    private final AnswerFields fields;
    private Line line = Line.START;
    private boolean afterCr;
    private int fieldMatched;
    private int dataLines;
    private int doneMatched;
    int events;
    int malformed;
    boolean done;

    EventStream(AnswerFields fields) {
        this.fields = fields;
    }

    /** Reads {@code buf[from, to)} in place: a data line's bytes go to the JSON reader in one run. */
    void feed(ByteBuf buf, int from, int to) {
        int i = from;
        while (i < to) {
            if (line == Line.DATA && !afterCr) {
                int eol = lineEnd(buf, i, to);
                int end = eol < 0 ? to : eol;
                while (doneMatched >= 0 && i < end) {
                    data(buf.getByte(i++)); // the first bytes, one by one, while they may still spell [DONE]
                }
                if (end > i) {
                    fields.feed(buf, i, end);
                    i = end;
                }
                if (eol < 0) {
                    return;
                }
            }
            process(buf.getByte(i++));
        }
    }

    /**
     * The index of the next CR or LF in {@code buf[from, to)}, or -1. A direct buffer is scanned at its
     * address: {@code forEachByte} would call a processor per byte through a call site that every HTTP
     * decoder of the process shares, and so cannot inline.
     */
    private static int lineEnd(ByteBuf buf, int from, int to) {
        if (!buf.hasMemoryAddress()) {
            return buf.forEachByte(from, to - from, ByteProcessor.FIND_CRLF);
        }
        int end = ByteScan.find(buf.memoryAddress(), from, to, (byte) '\n', (byte) '\r');
        return end == to ? -1 : end;
    }

    /** One byte through the state machine (always true, in the shape of a byte processor). */
    boolean process(byte b) {
        if (b == '\n' && afterCr) {
            afterCr = false; // the LF of a CRLF
            return true;
        }
        afterCr = b == '\r';
        if (b == '\r' || b == '\n') {
            endOfLine();
            return true;
        }
        switch (line) {
            case START:
                line = Line.FIELD;
                fieldMatched = 0;
                // fall through: this byte starts the field name
            case FIELD:
                if (b == ':') {
                    line = fieldMatched == DATA.length ? Line.DATA_FIRST : Line.SKIP;
                } else if (fieldMatched >= 0 && fieldMatched < DATA.length && b == DATA[fieldMatched]) {
                    fieldMatched++;
                } else {
                    fieldMatched = -1;
                }
                return true;
            case DATA_FIRST:
                startDataLine();
                line = Line.DATA;
                if (b == ' ') {
                    return true; // one space after the colon is not part of the data
                }
                // fall through
            case DATA:
                data(b);
                return true;
            default:
                return true;
        }
    }

    /** The body ended: an event not closed by a blank line still counts (a stream cut short may end so). */
    void end() {
        if (line != Line.START) {
            endOfLine();
        }
        endOfLine();
    }

    private void startDataLine() {
        if (dataLines++ > 0) {
            data((byte) '\n');
            doneMatched = -1;
        }
    }

    private void data(byte b) {
        if (doneMatched >= 0) {
            doneMatched = doneMatched < DONE.length && b == DONE[doneMatched] ? doneMatched + 1 : -1;
        }
        fields.process(b);
    }

    private void endOfLine() {
        switch (line) {
            case START -> dispatch();
            case FIELD -> {
                if (fieldMatched == DATA.length) {
                    startDataLine(); // "data" alone is an empty data line
                }
            }
            case DATA_FIRST -> startDataLine();
            default -> {
            }
        }
        line = Line.START;
    }

    private void dispatch() {
        if (dataLines == 0) {
            return;
        }
        if (doneMatched == DONE.length) {
            done = true;
        } else if (!fields.untouched()) {
            events++;
            if (!fields.complete()) {
                malformed++;
            }
        }
        dataLines = 0;
        doneMatched = 0;
        fields.nextValue();
    }
}
