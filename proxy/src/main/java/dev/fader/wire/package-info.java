/**
 * HTTP/1.x as the bytes it arrives in: {@link dev.fader.wire.Http1Decoder} checks a message strictly and
 * indexes its head ({@link dev.fader.wire.RequestHead}, {@link dev.fader.wire.ResponseHead}) instead of
 * copying it into header objects, and {@link dev.fader.wire.HeadWriter} forwards a head with a few edits.
 */
package dev.fader.wire;
