/** The built-in demo, {@link dev.fader.demo.Demo}: two toy upstreams, Fader in front of them, and synthetic users. */
package dev.fader.demo;
