/** JMH benchmarks of Fader's hot code: the routing decision and the feedback recording path. */
package dev.fader.bench;
