package dev.fader.metrics;

import dev.fader.feedback.FinishReason;
import dev.fader.feedback.ModelAnswer;
import dev.fader.feedback.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Section 9's metrics for rollouts with {@code observe: openai}: {@code fader_ttft_seconds},
 * {@code fader_time_per_output_token_seconds}, {@code fader_tokens_total{direction}} and
 * {@code fader_finish_total{reason}} per rollout and variant, plus {@code fader_answers_skipped_total{reason}}
 * (answers relayed but not read: not 2xx, another content type, compressed, malformed) and
 * {@code fader_answer_feedback_total{label,source}}. Answers a fallback served came from the baseline's model
 * and are left out, as in the windows.
 */
final class ModelMetrics {
    private final MeterRegistry registry;
    private final Map<String, Map<String, Meters>> meters = new ConcurrentHashMap<>();

    ModelMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Outcome o) {
        ModelAnswer a = o.answer();
        if (a == null || o.route().fallback()) {
            return;
        }
        Meters m = meters(o.rollout(), o.variant());
        if (!a.read()) {
            m.skipped[a.skipped().ordinal()].increment();
            return;
        }
        if (a.ttftNanos() >= 0) {
            m.ttft.record(a.ttftNanos(), TimeUnit.NANOSECONDS);
        }
        if (a.tpotNanos() >= 0) {
            m.tpot.record(a.tpotNanos(), TimeUnit.NANOSECONDS);
        }
        if (a.inputTokens() > 0) {
            m.input.increment(a.inputTokens());
        }
        m.output.increment(a.outputTokens());
        m.finish[a.finish().ordinal()].increment();
    }

    void feedback(String rollout, String variant, boolean positive, String source) {
        Counter.builder("fader.answer.feedback").tags("rollout", rollout, "variant", variant, "label",
                positive ? "positive" : "negative", "source", source)
                .description("feedback counted on a variant: by users (user, answer) or a judge (judge)")
                .register(registry).increment();
    }

    private Meters meters(String rollout, String variant) {
        Map<String, Meters> byVariant = meters.computeIfAbsent(rollout, k -> new ConcurrentHashMap<>());
        Meters m = byVariant.get(variant);
        return m != null ? m : byVariant.computeIfAbsent(variant, v -> new Meters(rollout, v));
    }

    /** The meters of one (rollout, variant), registered once and then only updated. */
    private final class Meters {
        final Timer ttft;
        final Timer tpot;
        final Counter input;
        final Counter output;
        final Counter[] finish = new Counter[FinishReason.values().length];
        final Counter[] skipped = new Counter[ModelAnswer.Skip.values().length];

        Meters(String rollout, String variant) {
            ttft = Timer.builder("fader.ttft").tags("rollout", rollout, "variant", variant)
                    .description("time to first token: request arrival to the first content delta (streams) or first"
                            + " body byte (JSON answers)")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(120)).register(registry);
            tpot = Timer.builder("fader.time.per.output.token").tags("rollout", rollout, "variant", variant)
                    .description("time per output token after the first (streams)")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
            input = tokens(rollout, variant, "input");
            output = tokens(rollout, variant, "output");
            for (FinishReason r : FinishReason.values()) {
                finish[r.ordinal()] = Counter.builder("fader.finish").tags("rollout", rollout, "variant", variant,
                        "reason", r.label()).description("answers by finish reason; none: ended without one")
                        .register(registry);
            }
            for (ModelAnswer.Skip s : ModelAnswer.Skip.values()) {
                if (s != ModelAnswer.Skip.NONE) {
                    skipped[s.ordinal()] = Counter.builder("fader.answers.skipped").tags("rollout", rollout, "variant",
                            variant, "reason", s.label()).description("answers relayed but not read")
                            .register(registry);
                }
            }
        }

        private Counter tokens(String rollout, String variant, String direction) {
            return Counter.builder("fader.tokens").tags("rollout", rollout, "variant", variant, "direction", direction)
                    .description("tokens from usage, or counted from stream deltas when usage is absent")
                    .register(registry);
        }
    }
}
