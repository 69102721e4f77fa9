package org.pooling4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pooling4j.Tensor;
import org.pooling4j.sequence.SequenceMask;
import org.pooling4j.sequence.SequenceMode;
import org.pooling4j.sequence.SequencePooling;
import org.pooling4j.sequence.SequenceSpec;

/**
 * {@code explain --op sequence_mean} (and {@code sequence_<mode>} for every sequence mode): token
 * embeddings pooled into one vector per sequence, worked out sequence by sequence. The default example
 * has three sequences of four 2-feature tokens: one padded on the right, one on the left, and one whose
 * mask is all zeros.
 */
final class SequenceExplain {
    static final String PREFIX = "sequence_";

    private SequenceExplain() {}

    /** Whether {@code op} names a sequence mode ({@code sequence_mean}, ...). */
    static boolean handles(String op) {
        return op.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /**
     * Prints the example for each op; {@code input} ((N, L, D) or (L, D), every token counted) replaces
     * the default example when not null.
     */
    static void print(List<String> ops, Tensor input) {
        Tensor x;
        SequenceMask mask;
        if (input == null) {
            x = Tensor.of(
                    new float[] {1, 2, 3, 4, 5, 6, 7, 8, 2, 0, 4, 1, 6, 2, 8, 3, 1, 1, 2, 2, 3, 3, 4, 4}, 3, 4, 2);
            mask = SequenceMask.of(new float[] {1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0}, 3, 4);
        } else {
            if (input.rank() == 2) input = input.reshape(1, input.dim(0), input.dim(1));
            if (input.rank() != 3) {
                throw new IllegalArgumentException("--input: holds a " + input.rank()
                        + "-d array; a sequence op needs (N, L, D) token embeddings or (L, D) for one sequence");
            }
            x = input;
            mask = SequenceMask.ones(x.dim(0), x.dim(1));
        }
        int n = x.dim(0);
        int len = x.dim(1);
        int d = x.dim(2);
        System.out.println("Token embeddings " + n + "x" + len + "x" + d + " (N, L, D) with their attention mask"
                + (input == null ? "" : " (every token counts)") + ":");
        for (int r = 0; r < n && r < 8; r++) {
            System.out.println(" sequence " + r + " (mask " + maskText(mask, r) + side(mask, r) + "):");
            for (int t = 0; t < len && t < 16; t++) {
                System.out.println(
                        "   token " + t + ": " + vec(x, r, t) + "  mask " + ExplainCommand.num(mask.get(r, t)));
            }
        }
        for (String op : ops) {
            SequenceMode mode;
            try {
                mode = SequenceMode.parse(op.substring(PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--op " + op + ": unknown; the sequence ops are sequence_"
                        + SequenceMode.names().replace(", ", ", sequence_"));
            }
            Tensor y = SequencePooling.forward(SequenceSpec.of(mode), x, mask);
            System.out.println();
            System.out.println(PREFIX + mode.wireName() + " (sentence-transformers pooling_mode \"" + mode.wireName()
                    + "\"): " + formula(mode) + "  ->  output " + n + "x" + d);
            for (int r = 0; r < n && r < 8; r++) {
                System.out.println("  out[" + r + "] = " + worked(mode, x, mask, r) + " = " + row(y, r));
            }
            System.out.println("Output:");
            for (int r = 0; r < n && r < 8; r++) System.out.println("  " + row(y, r));
        }
    }

    private static String formula(SequenceMode mode) {
        switch (mode) {
            case CLS:
                return "the first token whose mask is 1 (token 0 if none)";
            case LASTTOKEN:
                return "the last token whose mask is 1, times its mask (token 0 times 0 if none)";
            case MAX:
                return "per feature, the largest value over the tokens whose mask is 1 (-inf if none)";
            case MEAN:
                return "sum of mask * x over the tokens / max(sum of mask, 1e-9)";
            case MEAN_SQRT_LEN_TOKENS:
                return "sum of mask * x over the tokens / sqrt(max(sum of mask, 1e-9))";
            case WEIGHTEDMEAN:
                return "sum of (t + 1) * mask * x over the tokens t / max(sum of (t + 1) * mask, 1e-9)";
            default:
                return "(sum of mask * max(x, 1e-6)^3 / max(sum of mask, 1e-9))^(1/3)";
        }
    }

    /** How sequence {@code r} reaches its output, in terms of its tokens. */
    private static String worked(SequenceMode mode, Tensor x, SequenceMask mask, int r) {
        int len = x.dim(1);
        List<Integer> on = new ArrayList<>();
        for (int t = 0; t < len; t++) if (mask.get(r, t) != 0f) on.add(t);
        switch (mode) {
            case CLS:
                return on.isEmpty() ? "token 0 (no token has mask 1)" : "token " + on.get(0);
            case LASTTOKEN:
                return on.isEmpty() ? "token 0 * 0 (no token has mask 1)" : "token " + on.get(on.size() - 1);
            case MAX: {
                if (on.isEmpty()) return "max over no token";
                List<String> v = new ArrayList<>();
                for (int t : on) v.add(vec(x, r, t));
                return "max{" + String.join(", ", v) + "}";
            }
            case MEAN:
            case MEAN_SQRT_LEN_TOKENS:
            case WEIGHTEDMEAN:
            case GEM: {
                boolean weighted = mode == SequenceMode.WEIGHTEDMEAN;
                List<String> terms = new ArrayList<>();
                int weightSum = 0;
                for (int t : on) {
                    String v = vec(x, r, t);
                    if (mode == SequenceMode.GEM) v = "max(" + v + ", 1e-6)^3";
                    terms.add(weighted ? (t + 1) + "*" + v : v);
                    weightSum += weighted ? t + 1 : 1;
                }
                String sum = terms.isEmpty() ? "0" : "(" + String.join(" + ", terms) + ")";
                String div = terms.isEmpty() ? "1e-9" : String.valueOf(weightSum);
                if (mode == SequenceMode.MEAN_SQRT_LEN_TOKENS) return sum + " / sqrt(" + div + ")";
                if (mode == SequenceMode.GEM) return "(" + sum + " / " + div + ")^(1/3)";
                return sum + " / " + div;
            }
            default:
                throw new AssertionError(mode);
        }
    }

    private static String maskText(SequenceMask mask, int r) {
        StringBuilder s = new StringBuilder();
        for (int t = 0; t < mask.length(); t++) s.append(t == 0 ? "" : " ").append(ExplainCommand.num(mask.get(r, t)));
        return s.toString();
    }

    private static String side(SequenceMask mask, int r) {
        int len = mask.length();
        int count = mask.count(r);
        if (count == 0) return ", all zeros";
        if (count == len) return "";
        boolean right = true;
        boolean left = true;
        for (int t = 0; t < len; t++) {
            boolean on = mask.get(r, t) != 0f;
            right &= on == t < count;
            left &= on == t >= len - count;
        }
        return right ? ", padded on the right" : left ? ", padded on the left" : "";
    }

    private static String vec(Tensor x, int r, int t) {
        int d = x.dim(2);
        StringBuilder s = new StringBuilder("[");
        for (int j = 0; j < d && j < 8; j++) {
            s.append(j == 0 ? "" : ", ").append(ExplainCommand.num(x.data()[(r * x.dim(1) + t) * d + j]));
        }
        return s.append(d > 8 ? ", ...]" : "]").toString();
    }

    private static String row(Tensor y, int r) {
        int d = y.dim(1);
        StringBuilder s = new StringBuilder("[");
        for (int j = 0; j < d && j < 8; j++)
            s.append(j == 0 ? "" : ", ").append(ExplainCommand.num(y.data()[r * d + j]));
        return s.append(d > 8 ? ", ...]" : "]").toString();
    }
}
