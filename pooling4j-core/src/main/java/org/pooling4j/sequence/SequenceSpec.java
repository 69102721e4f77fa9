package org.pooling4j.sequence;

import java.util.ArrayList;
import java.util.List;
import org.pooling4j.internal.Check;

/**
 * What {@link SequencePooling} computes: one or more {@link SequenceMode}s, whose D-long results are
 * concatenated in the order given (as sentence-transformers 6 concatenates a tuple of modes; a mode may
 * appear twice), and the GeM parameters {@code p} and {@code eps} (used only by {@link SequenceMode#GEM}).
 * Immutable.
 */
public final class SequenceSpec {
    /** GeM's default exponent. */
    public static final double DEFAULT_P = 3.0;
    /** GeM's default clamp: values below it are raised to it before the power. */
    public static final double DEFAULT_EPS = 1e-6;

    private final SequenceMode[] modes;
    private final double p;
    private final double eps;

    private SequenceSpec(SequenceMode[] modes, double p, double eps) {
        this.modes = modes;
        this.p = p;
        this.eps = eps;
    }

    /**
     * The given modes, concatenated in this order, with GeM's defaults.
     *
     * @throws IllegalArgumentException if no mode is given
     * @throws NullPointerException if a mode is null
     */
    public static SequenceSpec of(SequenceMode... modes) {
        return of(List.of(Check.notNull(modes, "modes")), DEFAULT_P, DEFAULT_EPS);
    }

    /**
     * The given modes, concatenated in this order, with GeM's {@code p} and {@code eps}.
     *
     * @throws IllegalArgumentException if no mode is given, or {@code p} or {@code eps} is not finite and
     *     &gt; 0
     */
    public static SequenceSpec of(List<SequenceMode> modes, double p, double eps) {
        Check.notNull(modes, "modes");
        if (modes.isEmpty()) throw Check.fail("modes", modes, "at least one mode is required");
        SequenceMode[] m = new SequenceMode[modes.size()];
        for (int i = 0; i < m.length; i++) m[i] = Check.notNull(modes.get(i), "modes[" + i + "]");
        if (!(Double.isFinite(p) && p > 0)) throw Check.fail("p", p, "must be finite and > 0");
        if (!(Double.isFinite(eps) && eps > 0 && (float) eps > 0f)) {
            throw Check.fail("eps", eps, "must be finite and > 0 (also as a float32)");
        }
        return new SequenceSpec(m, p, eps);
    }

    /**
     * Modes from their names, comma-separated ({@code "mean"}, {@code "cls,mean"}), with GeM's defaults.
     *
     * @throws IllegalArgumentException naming an unknown mode
     */
    public static SequenceSpec parse(String modes) {
        Check.notNull(modes, "modes");
        List<SequenceMode> list = new ArrayList<>();
        for (String s : modes.split(",", -1)) list.add(SequenceMode.parse(s));
        return of(list, DEFAULT_P, DEFAULT_EPS);
    }

    /** The modes, in output order. */
    public List<SequenceMode> modes() {
        return List.of(modes);
    }

    /** The number of modes: the output has {@code modeCount() * D} features. */
    public int modeCount() {
        return modes.length;
    }

    SequenceMode mode(int i) {
        return modes[i];
    }

    /** GeM's exponent. */
    public double p() {
        return p;
    }

    /** GeM's clamp. */
    public double eps() {
        return eps;
    }

    /** The features per sequence for embeddings of {@code d} features: {@code modeCount() * d}. */
    public int outputDim(int d) {
        long o = (long) modes.length * d;
        if (d < 0 || o > Check.MAX_ELEMENTS)
            throw Check.fail("d", d, "must be >= 0 and modeCount * d must fit an array");
        return (int) o;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (SequenceMode m : modes) s.append(s.length() == 0 ? "" : ",").append(m.wireName());
        boolean gem = false;
        for (SequenceMode m : modes) gem |= m == SequenceMode.GEM;
        return "SequenceSpec[" + s + (gem ? ", p=" + p + ", eps=" + eps : "") + "]";
    }
}
