package dev.fader.shadow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One rollout's shadow comparisons so far: how many copies were compared, dropped, skipped or failed, and
 * per field how often primary and candidate differed, and primary and noise. Deciding what to report
 * follows Diffy's idea, made a test: a field is reported when its candidate difference rate is clearly
 * above its noise rate, meaning all of (1) the 99% Wilson lower bound of the candidate rate exceeds the
 * 99% Wilson upper bound of the noise rate, (2) the rates differ by at least {@link #ABSOLUTE} and (3) by
 * at least {@link #RELATIVE} of the noise rate. Without a noise copy every difference is reported. At most
 * {@link #MAX_FIELDS} fields are kept per rollout (arrays by index could otherwise grow without end), and
 * {@link #EXAMPLES} recent examples per field.
 */
final class ShadowStats {
    static final double ABSOLUTE = 0.03;
    static final double RELATIVE = 0.2;
    static final int MAX_FIELDS = 500;
    static final int EXAMPLES = 3;
    static final String OTHER_FIELDS = "(other fields)";
    private static final double Z = 2.576;

    final LongAdder compared = new LongAdder();
    final LongAdder comparedWithNoise = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder errors = new LongAdder();
    final DoubleAdder latencyRatio = new DoubleAdder();
    final DoubleAdder sizeRatio = new DoubleAdder();
    private final Map<String, Field> fields = new ConcurrentHashMap<>();

    /** An example of one difference: the request (path only: a query may carry the user key) and both values. */
    record Example(String requestId, String path, String primary, String other) {
    }

    /** One field's counts. */
    static final class Field {
        final LongAdder candidate = new LongAdder();
        final LongAdder noise = new LongAdder();
        private final Deque<Example> examples = new ArrayDeque<>();

        /**
         * Whether to keep this difference as an example: the first few, then one in 16, so examples stay
         * recent without rendering both values of every difference (ids differ on every answer).
         */
        boolean wantsExample() {
            long n = candidate.sum();
            return n <= EXAMPLES || (n & 15) == 0;
        }

        synchronized void example(Example e) {
            if (examples.size() == EXAMPLES) {
                examples.removeFirst();
            }
            examples.addLast(e);
        }

        synchronized List<Example> examples() {
            return List.copyOf(examples);
        }
    }

    Field field(String pointer) {
        Field f = fields.get(pointer);
        if (f != null) {
            return f;
        }
        String key = fields.size() >= MAX_FIELDS ? OTHER_FIELDS : pointer;
        return fields.computeIfAbsent(key, k -> new Field());
    }

    /** One field as reported: its counts, rates and whether it differs beyond noise. */
    record Row(String field, long differences, long noise, double rate, double noiseRate, boolean reported,
            List<Example> examples) {
    }

    /** Every field, reported ones first, then by how often the candidate differed. */
    List<Row> rows(boolean withNoise) {
        long n = compared.sum();
        long nn = comparedWithNoise.sum();
        List<Row> out = new ArrayList<>();
        fields.forEach((name, f) -> {
            long d = f.candidate.sum();
            long dn = f.noise.sum();
            double rate = n == 0 ? 0 : (double) d / n;
            double noiseRate = nn == 0 ? 0 : (double) dn / nn;
            boolean reported = d > 0 && (!withNoise || beyondNoise(d, n, dn, nn));
            out.add(new Row(name, d, dn, rate, noiseRate, reported, f.examples()));
        });
        out.sort(Comparator.comparing(Row::reported).reversed().thenComparing(Comparator.comparingLong(Row::differences)
                .reversed()).thenComparing(Row::field));
        return out;
    }

    static boolean beyondNoise(long d, long n, long dn, long nn) {
        if (n == 0 || nn == 0) {
            return false;
        }
        double rate = (double) d / n;
        double noiseRate = (double) dn / nn;
        return wilson(d, n, -Z) > wilson(dn, nn, Z) && rate - noiseRate >= ABSOLUTE
                && rate >= (1 + RELATIVE) * noiseRate;
    }

    /** The Wilson score bound of k successes in n at {@code z} (negative: the lower bound). */
    static double wilson(long k, long n, double z) {
        double p = (double) k / n;
        double z2 = z * z;
        double centre = p + z2 / (2 * n);
        double spread = Math.abs(z) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (centre + Math.signum(z) * spread) / (1 + z2 / n);
    }
}
