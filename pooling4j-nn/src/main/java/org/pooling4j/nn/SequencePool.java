package org.pooling4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pooling4j.Tensor;
import org.pooling4j.sequence.SequenceMask;
import org.pooling4j.sequence.SequenceMode;
import org.pooling4j.sequence.SequencePlan;
import org.pooling4j.sequence.SequencePooling;
import org.pooling4j.sequence.SequenceSpec;

/**
 * Masked pooling of token embeddings (N, L, D) into sentence vectors (N, modes·D): the core's
 * {@link SequencePooling} (sentence-transformers 6's modes, and GeM over tokens) as a layer, so a
 * {@link Linear} head or another dense layer can follow it in a {@link Sequential}.
 *
 * <p>The attention mask is state of the layer: {@link #setMask} sets the mask of the following
 * forwards (and of their backwards), and without one every token counts. {@link #forward(Tensor,
 * SequenceMask)} sets it and runs in one call. The plan is kept per input shape. No parameters.
 */
public final class SequencePool extends Layer {
    private final SequenceSpec spec;
    private SequenceMask mask;
    private SequencePlan plan;
    private Tensor lastX;
    private SequenceMask lastMask;

    public SequencePool(SequenceSpec spec) {
        if (spec == null) throw new NullPointerException("spec must not be null");
        this.spec = spec;
    }

    /** A layer for the given modes, concatenated in this order, with GeM's defaults. */
    public static SequencePool of(SequenceMode... modes) {
        return new SequencePool(SequenceSpec.of(modes));
    }

    public SequenceSpec spec() {
        return spec;
    }

    /** The mask of the following forwards, (N, L) matching their input; null: every token counts. Returns this. */
    public SequencePool setMask(SequenceMask mask) {
        this.mask = mask;
        return this;
    }

    /** Sets the mask and runs the forward. */
    public Tensor forward(Tensor x, SequenceMask mask) {
        setMask(mask);
        return forward(x);
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        int[] s = x.shape();
        outputShape(s);
        SequenceMask m = mask != null ? mask : SequenceMask.ones(s[0], s[1]);
        if (m.rows() != s[0] || m.length() != s[1]) {
            throw new IllegalArgumentException("sequence_pool: mask shape = [" + m.rows() + ", " + m.length()
                    + "]: must be (N, L) of the input shape " + Arrays.toString(s));
        }
        if (plan == null || plan.batch() != s[0] || plan.length() != s[1] || plan.features() != s[2]) {
            plan = SequencePooling.plan(spec, s[0], s[1], s[2]);
        }
        Tensor out = plan.newOutput();
        plan.forward(x, m, out);
        lastX = x;
        lastMask = m;
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastX == null) throw Layers.noForward("sequence_pool");
        Layers.checkSame("sequence_pool", plan.outputShape(), gradOut);
        Tensor g = plan.newGradInput();
        plan.backward(lastX, lastMask, gradOut, g);
        return g;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.elementCount(inputShape, "inputShape");
        if (inputShape.length != 3 || inputShape[1] < 1) {
            throw new IllegalArgumentException("sequence_pool: input shape = " + Arrays.toString(inputShape)
                    + ": must be (N, L, D) token embeddings with L >= 1");
        }
        return new int[] {inputShape[0], spec.outputDim(inputShape[2])};
    }

    @Override
    public String kind() {
        return "sequence_pool";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (SequenceMode m : spec.modes()) names.add(m.wireName());
        c.put("modes", names);
        if (spec.modes().contains(SequenceMode.GEM)) {
            c.put("p", spec.p());
            c.put("eps", spec.eps());
        }
        return c;
    }
}
