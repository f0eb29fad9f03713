package dev.fader.proxy;

import dev.fader.feedback.Outcome;
import dev.fader.wire.ResponseHead;
import io.netty.buffer.ByteBuf;

/**
 * Sees one answer as it is relayed to the client: its head, each body part, and how the exchange ended.
 * Called on the event loop just before the same object is written to the client: an observer reads
 * (never retains, releases or changes) what it is shown, does not block, and so costs the client no copy
 * and no delay. The first observer is {@link Tally}, which turns what it saw into the request's
 * {@link Outcome}; model-aware parsing and shadow comparison attach here.
 */
interface ResponseObserver {
    void head(ResponseHead head);

    void content(ByteBuf part);

    /** The exchange is over; {@code answered}: how the upstream that served it (or Fader) answered. Called once. */
    void end(Outcome.Kind answered);
}
