package dev.fader.feedback;

import io.netty.channel.Channel;
import java.util.List;
import java.util.Map;

/**
 * What a shadowed request needs to be sent again and compared: the request as the client sent it (method,
 * target, end-to-end headers, body) and the primary's answer (status, content type, body). Bodies are
 * bounded by the rollout's {@code shadow.max-body}; {@code tooLarge}: one of them was not, so the copy is
 * counted as skipped, not sent. {@code client}: the client's connection, whose event loop (and transport)
 * the copies use, so they cost what proxying costs and touch no other thread.
 */
public record Mirror(String method, String uri, List<Map.Entry<String, String>> headers, byte[] requestBody,
        int status, String contentType, byte[] answer, boolean tooLarge, Channel client) {
}
