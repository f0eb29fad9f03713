package dev.fader.wire;

/** A response head (RFC 9112 section 4): version and status from the status line, and its fields. */
public final class ResponseHead extends Head {
    private int status;
    private int minor;
    private int reasonStart;
    private int reasonEnd;
    private boolean lengthIgnored;

    @Override
    void startLine() throws HeadException {
        int lf = lineEnd(0);
        int stop = lf - 1;
        if (stop < 12 || bytes[0] != 'H' || bytes[1] != 'T' || bytes[2] != 'T' || bytes[3] != 'P' || bytes[4] != '/'
                || bytes[5] != '1' || bytes[6] != '.' || !digit(bytes[7]) || bytes[8] != ' '
                || !digit(bytes[9]) || !digit(bytes[10]) || !digit(bytes[11]) || (stop > 12 && bytes[12] != ' ')) {
            throw new HeadException(Problem.MALFORMED, "status line '" + text(0, Math.min(stop, 60))
                    + "' (expected: HTTP/1.x SP 3 digits SP reason)");
        }
        minor = bytes[7] - '0';
        status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
        if (status < 100) {
            throw new HeadException(Problem.MALFORMED, "status " + status + " (expected: 100 to 999)");
        }
        reasonStart = Math.min(stop, 13);
        reasonEnd = stop;
        for (int i = reasonStart; i < reasonEnd; i++) {
            int b = bytes[i] & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new HeadException(Problem.MALFORMED, "control character 0x" + Integer.toHexString(b) + " in the reason");
            }
        }
        lengthIgnored = false;
    }

    @Override
    void finish() throws HeadException {
        readFraming();
        if (chunked && contentLength >= 0) {
            // RFC 9112 section 6.3: chunked wins, the length is dropped, and the connection is not reused.
            contentLength = -1;
            lengthIgnored = true;
        }
    }

    public int status() {
        return status;
    }

    public boolean http10() {
        return minor == 0;
    }

    /** Whether the upstream leaves the connection open after this answer. */
    public boolean persistent() {
        return !close && !lengthIgnored && (!http10() || keepAlive);
    }

    /** The status code and reason as sent ("200 OK"), for writing the same status line onward. */
    int statusStart() {
        return 9;
    }

    int reasonEnd() {
        return reasonEnd;
    }
}
