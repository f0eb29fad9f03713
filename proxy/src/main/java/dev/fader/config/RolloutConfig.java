package dev.fader.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rollout: which requests it owns, its variants, how users are keyed, and its layers in order;
 * {@code observeOpenAi}: read its answers as an OpenAI-compatible model's; {@code judge}: where to send a
 * sample of them for scoring, or null; {@code shadow}: where copies of its requests go, or null.
 */
public record RolloutConfig(
        String name,
        String host,
        String pathPrefix,
        String baseline,
        Map<String, String> variants,
        List<KeySource> userKey,
        String salt,
        Anonymous anonymous,
        boolean explain,
        List<LayerConfig> layers,
        ProgressiveConfig progressive,
        String revision,
        boolean observeOpenAi,
        JudgeConfig judge,
        ShadowConfig shadow) {

    public enum Anonymous { COOKIE, BASELINE, RANDOM }

    public RolloutConfig {
        variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
        userKey = List.copyOf(userKey);
        layers = List.copyOf(layers);
    }
}
