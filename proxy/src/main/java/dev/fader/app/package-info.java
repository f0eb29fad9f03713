/**
 * The application root: {@link dev.fader.app.Instance} wires one running Fader together and owns
 * {@code publish}, the only way a new routing snapshot reaches the proxy; {@link dev.fader.app.Reloader}
 * is the reload.
 */
package dev.fader.app;
