/** The built-in demo: two toy upstreams, Fader in front of them, and synthetic users. */
package dev.fader.demo;
