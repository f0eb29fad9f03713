/**
 * The Netty data path: accept clients, route each request, stream it to a pooled upstream (with health,
 * ejection and fallback) and the answer back. Start at {@link dev.fader.proxy.ProxyServer}, then
 * {@link dev.fader.proxy.FrontendHandler} (a connection), {@code Exchange} (a request, top to bottom),
 * {@code LoopPool.acquire} (an upstream connection) and {@code Failure} (every answer of Fader's own).
 */
package dev.fader.proxy;
