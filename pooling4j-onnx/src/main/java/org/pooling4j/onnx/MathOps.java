package org.pooling4j.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.pooling4j.internal.Check;

/**
 * Element-wise arithmetic that exporters emit around pooling (PyTorch writes LPPool as
 * Pow, AveragePool, Sign, Abs, Relu, Mul, Pow, and max-pool indices as a Sub of two MaxPools):
 * Add, Sub, Mul, Div, Pow with multidirectional (NumPy) broadcasting from opset 7, and Abs, Neg,
 * Sign, Relu, Sqrt. Floating-point results are computed in double and rounded once to the type.
 */
final class MathOps {
    private MathOps() {}

    static List<OpDef> all() {
        return List.of(
                new Binary("Add"),
                new Binary("Sub"),
                new Binary("Mul"),
                new Binary("Div"),
                new Binary("Pow"),
                new Unary("Abs", 1),
                new Unary("Neg", 1),
                new Unary("Sign", 9),
                new Unary("Relu", 1),
                new Unary("Sqrt", 1));
    }

    static final class Binary extends OpDef {
        Binary(String type) {
            // Versions 1 and 6 broadcast by the legacy `broadcast`/`axis` attributes; only NumPy broadcasting is
            // implemented.
            super(type, 7, 2, 2);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs();
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue a = in[0];
            TensorValue b = in[1];
            boolean pow = type.equals("Pow");
            if (!pow && a.type() != b.type())
                throw n.error("inputs have types " + a.type() + " and " + b.type() + ": must be the same");
            if (pow && !a.type().isFloatingPoint() && n.opset < 12)
                throw n.error("Pow on " + a.type() + " needs opset 12");
            int[] os = broadcast(n, a.shape(), b.shape());
            TensorValue out = TensorValue.zeros(a.type(), os);
            int r = os.length;
            int[] sa = bstrides(a.shape(), r);
            int[] sb = bstrides(b.shape(), r);
            int[] c = new int[r];
            int ia = 0;
            int ib = 0;
            boolean floating = a.type().isFloatingPoint();
            for (int i = 0; i < out.size(); i++) {
                if (floating) {
                    out.setDouble(i, apply(a.getDouble(ia), b.getDouble(ib)));
                } else if (pow) {
                    out.setLong(i, (long) Math.pow(a.getLong(ia), b.getDouble(ib)));
                } else {
                    out.setLong(i, applyLong(n, a.getLong(ia), b.getLong(ib)));
                }
                for (int d = r - 1; d >= 0; d--) {
                    ia += sa[d];
                    ib += sb[d];
                    if (++c[d] < os[d]) break;
                    ia -= sa[d] * os[d];
                    ib -= sb[d] * os[d];
                    c[d] = 0;
                }
            }
            return new TensorValue[] {out};
        }

        private double apply(double x, double y) {
            switch (type) {
                case "Add":
                    return x + y;
                case "Sub":
                    return x - y;
                case "Mul":
                    return x * y;
                case "Div":
                    return x / y;
                default:
                    return Math.pow(x, y);
            }
        }

        private long applyLong(Node n, long x, long y) {
            switch (type) {
                case "Add":
                    return x + y;
                case "Sub":
                    return x - y;
                case "Mul":
                    return x * y;
                default:
                    if (y == 0) throw n.error("integer division by zero");
                    return x / y;
            }
        }
    }

    /** The NumPy broadcast of two shapes, or an error naming both. */
    static int[] broadcast(Node n, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x != y && x != 1 && y != 1)
                throw n.error("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            out[i] = x == 1 ? y : x;
        }
        Check.elementCount(out, "broadcast shape");
        return out;
    }

    /** Strides of {@code shape} right-aligned to rank {@code r}, 0 on broadcast axes. */
    static int[] bstrides(int[] shape, int r) {
        int[] st = new int[r];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i + r - shape.length] = shape[i] == 1 ? 0 : s;
            s *= shape[i];
        }
        return st;
    }

    static final class Unary extends OpDef {
        Unary(String type, int since) {
            super(type, since, 1, 1);
        }

        @Override
        Set<String> attributes(int opset) {
            return opset < 6 ? attrs("consumed_inputs") : attrs();
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            if (type.equals("Sqrt") && !x.type().isFloatingPoint())
                throw n.error("Sqrt needs a floating-point input, got " + x.type());
            TensorValue out = TensorValue.zeros(x.type(), x.shape());
            for (int i = 0; i < x.size(); i++) {
                if (x.type().isFloatingPoint()) {
                    double v = x.getDouble(i);
                    switch (type) {
                        case "Abs":
                            v = Math.abs(v);
                            break;
                        case "Neg":
                            v = -v;
                            break;
                        case "Sign":
                            v = v != v ? v : Math.signum(v);
                            break;
                        case "Relu":
                            v = v > 0 ? v : v != v ? v : 0.0;
                            break;
                        default:
                            v = Math.sqrt(v);
                            break;
                    }
                    out.setDouble(i, v);
                } else {
                    long v = x.getLong(i);
                    switch (type) {
                        case "Abs":
                            v = Math.abs(v);
                            break;
                        case "Neg":
                            v = -v;
                            break;
                        case "Sign":
                            v = Long.signum(v);
                            break;
                        default:
                            v = Math.max(v, 0);
                            break;
                    }
                    out.setLong(i, v);
                }
            }
            return new TensorValue[] {out};
        }
    }
}
