package dev.fader.proxy;

import io.netty.channel.Channel;
import io.netty.buffer.ByteBuf;

/** What an {@link Exchange} may ask of the client connection it serves; nothing else of it is reachable. */
interface ClientConnection {
    /** The exchange can take more of the request body now. */
    void readMore();

    /** The exchange is over; {@code keepAlive}: the connection may carry the next request. */
    void exchangeDone(boolean keepAlive);

    /** The upstream switched protocols: both connections become a byte tunnel. */
    void upgraded(ByteBuf switching, Channel upstream);

    /** The proxy is draining: answers carry {@code Connection: close}. */
    boolean draining();
}
