/** The Netty data path: accept clients, route each request, stream it to a pooled upstream and the answer back. */
package dev.fader.proxy;
