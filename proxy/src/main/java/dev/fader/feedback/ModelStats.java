package dev.fader.feedback;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a variant's model answered within one window bucket: answers read, time to first token and per
 * output token, tokens in and out, finish reasons. Lock-free adds; a bucket creates it on its first answer.
 */
final class ModelStats {
    final LatencyHistogram ttft = new LatencyHistogram();
    final LatencyHistogram tpot = new LatencyHistogram();
    final LongAdder answers = new LongAdder();
    final LongAdder inputTokens = new LongAdder();
    final LongAdder outputTokens = new LongAdder();
    final LongAdder estimated = new LongAdder();
    final AtomicLongArray finish = new AtomicLongArray(FinishReason.values().length);

    void record(ModelAnswer a) {
        answers.increment();
        if (a.ttftNanos() >= 0) {
            ttft.record(a.ttftNanos());
        }
        if (a.tpotNanos() >= 0) {
            tpot.record(a.tpotNanos());
        }
        if (a.inputTokens() > 0) {
            inputTokens.add(a.inputTokens());
        }
        outputTokens.add(a.outputTokens());
        if (a.estimated()) {
            estimated.increment();
        }
        finish.incrementAndGet(a.finish().ordinal());
    }

    void addTo(ModelWindow into) {
        ttft.addTo(into.ttft());
        tpot.addTo(into.tpot());
        long[] counts = into.counts();
        counts[0] += answers.sum();
        counts[1] += inputTokens.sum();
        counts[2] += outputTokens.sum();
        counts[3] += estimated.sum();
        for (int i = 0; i < into.finish().length; i++) {
            into.finish()[i] += finish.get(i);
        }
    }
}
