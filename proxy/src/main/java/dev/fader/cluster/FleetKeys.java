package dev.fader.cluster;

import io.etcd.jetcd.ByteSequence;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a fleet's keys live under its prefix. {@code leader} and {@code members/<run>} are bound to their
 * instance's lease; {@code state/<rollout>} holds each rollout's state (written by compare-and-swap on its
 * revision); {@code counts/<rollout>/<fingerprint>/<run>} holds what one run of one instance counted, per
 * period, with no lease: a run that ends leaves its counts for the rest of the rollout.
 */
final class FleetKeys {
    private final String prefix;

    FleetKeys(String prefix) {
        this.prefix = prefix;
    }

    ByteSequence leader() {
        return bytes(prefix + "/leader");
    }

    ByteSequence members() {
        return bytes(prefix + "/members/");
    }

    ByteSequence member(String run) {
        return bytes(prefix + "/members/" + encode(run));
    }

    ByteSequence states() {
        return bytes(prefix + "/state/");
    }

    ByteSequence state(String rollout) {
        return bytes(prefix + "/state/" + encode(rollout));
    }

    /** The rollout a {@code state/} key belongs to. */
    String rolloutOf(ByteSequence stateKey) {
        return decode(text(stateKey).substring(prefix.length() + "/state/".length()));
    }

    String memberOf(ByteSequence memberKey) {
        return decode(text(memberKey).substring(prefix.length() + "/members/".length()));
    }

    /** Every run's counts of one definition of {@code rollout}. */
    ByteSequence counts(String rollout, String fingerprint) {
        return bytes(prefix + "/counts/" + encode(rollout) + "/" + fingerprint + "/");
    }

    ByteSequence counts(String rollout, String fingerprint, String run) {
        return bytes(prefix + "/counts/" + encode(rollout) + "/" + fingerprint + "/" + encode(run));
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Names may hold any character; '/' must not split a key's levels. */
    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
