package org.pooling4j.nn.data;

import static org.pooling4j.nn.data.DigitGenerator.BOX;
import static org.pooling4j.nn.data.DigitGenerator.MAX_SHIFT;
import static org.pooling4j.nn.data.DigitGenerator.SIDE;
import static org.pooling4j.nn.data.DigitGenerator.mix;

import java.util.SplittableRandom;

/**
 * Builds one digit's skeleton and rasterises it. One painter per thread; its buffers are reused
 * from image to image.
 */
final class DigitPainter {
    // Points of every polyline, one after another; starts[k] is the first point of polyline k.
    private double[] xs = new double[256];
    private double[] ys = new double[256];
    private int points;
    private int[] starts = new int[32];
    private double[] weights = new double[32];
    private int lines;
    private final float[] canvas = new float[SIDE * SIDE];
    private SplittableRandom rnd;

    void draw(long seed, int index, int digit, float[] out, int offset) {
        rnd = new SplittableRandom(mix(seed, index));
        points = 0;
        lines = 0;
        skeleton(digit);
        place();
        for (int i = 0; i < SIDE * SIDE; i++) out[offset + i] = canvas[i];
    }

    private double u(double a, double b) {
        return a + (b - a) * rnd.nextDouble();
    }

    private boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    // ----- skeleton building: x to the right, y down, the digit about 1 tall and 0.6 wide -----

    private void begin(double weight) {
        if (lines == starts.length) {
            starts = java.util.Arrays.copyOf(starts, lines * 2);
            weights = java.util.Arrays.copyOf(weights, lines * 2);
        }
        starts[lines] = points;
        weights[lines] = weight;
        lines++;
    }

    private void to(double x, double y) {
        if (points == xs.length) {
            xs = java.util.Arrays.copyOf(xs, points * 2);
            ys = java.util.Arrays.copyOf(ys, points * 2);
        }
        xs[points] = x;
        ys[points] = y;
        points++;
    }

    private void line(double x0, double y0, double x1, double y1) {
        begin(1);
        to(x0, y0);
        to(x1, y1);
    }

    /** A dot of the given weight: a ball terminal. */
    private void dot(double x, double y, double weight) {
        begin(weight);
        to(x, y);
    }

    /**
     * Elliptical arc from angle a0 to a1 in degrees (0 = right, 90 = down), appended to the current
     * polyline; {@code square} above 2 bends the ellipse towards a rounded rectangle.
     */
    private void arc(double cx, double cy, double rx, double ry, double a0, double a1, double square) {
        int n = Math.max(2, (int) Math.ceil(Math.abs(a1 - a0) / 12.0));
        double e = 2.0 / square;
        for (int i = 0; i <= n; i++) {
            double a = Math.toRadians(a0 + (a1 - a0) * i / n);
            double c = Math.cos(a);
            double s = Math.sin(a);
            to(
                    cx + rx * Math.copySign(Math.pow(Math.abs(c), e), c),
                    cy + ry * Math.copySign(Math.pow(Math.abs(s), e), s));
        }
    }

    /** Quadratic curve from the current point through control (cx, cy) to (x, y). */
    private void quad(double cx, double cy, double x, double y) {
        double x0 = xs[points - 1];
        double y0 = ys[points - 1];
        for (int i = 1; i <= 8; i++) {
            double t = i / 8.0;
            double a = (1 - t) * (1 - t);
            double b = 2 * t * (1 - t);
            double c = t * t;
            to(a * x0 + b * cx + c * x, a * y0 + b * cy + c * y);
        }
    }

    private double lastX() {
        return xs[points - 1];
    }

    private double lastY() {
        return ys[points - 1];
    }

    /** A stroke end: nothing, a ball (serif faces' terminals) or a short tick. */
    private void terminal(int kind, double x, double y, double tx, double ty) {
        if (kind == 1) {
            dot(x, y, 1.45);
        } else if (kind == 2) {
            line(x, y, x + tx, y + ty);
        }
    }

    private void skeleton(int digit) {
        // Terminals: 0 plain (sans and hands), 1 ball, 2 tick (serif faces).
        int term = chance(0.55) ? 0 : chance(0.5) ? 1 : 2;
        switch (digit) {
            case 0:
                zero();
                break;
            case 1:
                one();
                break;
            case 2:
                two(term);
                break;
            case 3:
                three(term);
                break;
            case 4:
                four();
                break;
            case 5:
                five(term);
                break;
            case 6:
                six(term, false);
                break;
            case 7:
                seven(term);
                break;
            case 8:
                eight();
                break;
            case 9:
                nine(term);
                break;
            default:
                throw new IllegalStateException("digit " + digit);
        }
    }

    private void zero() {
        double rx = chance(0.35) ? u(0.17, 0.24) : u(0.24, 0.32);
        double square = chance(0.3) ? u(2.2, 3.2) : 2;
        begin(1);
        arc(0.3, 0.5, rx, 0.5, 0, 360, square);
        if (chance(0.06)) {
            // Monospaced faces mark the zero with a slash or a dot.
            if (chance(0.5)) line(0.3 + rx * 0.55, 0.5 - 0.4, 0.3 - rx * 0.55, 0.5 + 0.4);
            else dot(0.3, 0.5, 1.3);
        }
    }

    private void one() {
        double x = 0.3;
        double lean = u(-0.03, 0.03);
        line(x + lean, 0, x - lean, 1);
        int style = rnd.nextInt(10);
        if (style >= 2) {
            // The flag, straight or slightly curved.
            double fx = u(0.12, 0.26);
            double fy = u(0.12, 0.3);
            begin(1);
            to(x + lean, 0);
            if (chance(0.5)) to(x + lean - fx, fy);
            else quad(x - fx * 0.4, fy * 0.2, x - fx, fy);
        }
        if (style >= 6) {
            double f = u(0.14, 0.26);
            line(x - lean - f, 1, x - lean + f, 1);
        }
    }

    private void two(int term) {
        double w = u(0.5, 0.62);
        double top = u(0.24, 0.3);
        double start = u(165, 200);
        begin(1);
        arc(w / 2, top, w / 2, top, start, 375 + u(0, 25), 2);
        double bx = u(0.0, 0.05);
        int base = rnd.nextInt(10);
        if (chance(0.5)) {
            quad(w * u(0.6, 0.9), u(0.5, 0.65), bx, 1);
        } else {
            to(bx, 1);
        }
        if (base < 7) {
            to(w + u(0, 0.06), 1);
        } else if (base < 9) {
            quad(w * 0.5, u(0.88, 0.94), w + u(0, 0.06), u(0.95, 1));
        } else {
            // A small loop where the diagonal meets the base, as hands draw it.
            double lx = bx + 0.07;
            arc(lx, 0.92, 0.07, 0.07, 180, 450, 2);
            to(w, 1);
        }
        terminal(
                term,
                w / 2 + w / 2 * Math.cos(Math.toRadians(start)),
                top + top * Math.sin(Math.toRadians(start)),
                0,
                0.06);
    }

    private void three(int term) {
        double w = u(0.5, 0.62);
        double mid = u(0.44, 0.5);
        if (chance(0.65)) {
            // Round top: two bowls, the lower one usually larger.
            double r1 = mid / 2;
            double start = u(165, 205);
            begin(1);
            arc(w * 0.48, r1, w * 0.45, r1, start, 450, 2);
            double ry2 = (1 - mid) / 2;
            begin(1);
            arc(w / 2, mid + ry2, w / 2, ry2, 270, 520 - u(0, 30), 2);
            if (chance(0.5)) line(w * 0.48, mid, w * u(0.2, 0.35), mid);
            terminal(
                    term,
                    w * 0.48 + w * 0.45 * Math.cos(Math.toRadians(start)),
                    r1 + r1 * Math.sin(Math.toRadians(start)),
                    0,
                    0.06);
        } else {
            // Flat top: a bar, a diagonal, then the bowl.
            double ry = u(0.28, 0.32);
            double cy = 1 - ry;
            double a = u(225, 250);
            double jx = w / 2 + w / 2 * Math.cos(Math.toRadians(a));
            double jy = cy + ry * Math.sin(Math.toRadians(a));
            begin(1);
            to(u(0.0, 0.08), 0);
            to(w * u(0.9, 1.0), 0);
            to(jx, jy);
            arc(w / 2, cy, w / 2, ry, a, 520 - u(0, 30), 2);
            if (term == 2) line(0.04, 0, 0.04, 0.08);
        }
    }

    private void four() {
        double w = u(0.55, 0.66);
        double bar = u(0.62, 0.76);
        double stem = w * u(0.62, 0.8);
        if (chance(0.7)) {
            // Closed, as fonts draw it.
            line(stem, 0, stem, 1);
            line(stem, 0, 0, bar);
            line(0, bar, w, bar);
        } else {
            // Open: a left stroke down, the bar, a separate stem.
            double lx = u(0.0, 0.12);
            line(lx + u(0.0, 0.1), 0, lx, bar);
            line(lx, bar, w, bar);
            line(stem, u(0.0, 0.35), stem, 1);
        }
        if (chance(0.15)) line(stem - 0.12, 1, stem + 0.12, 1);
    }

    private void five(int term) {
        double w = u(0.5, 0.62);
        double ry = u(0.28, 0.34);
        double cy = 1 - ry;
        double a = u(200, 225);
        double jx = w / 2 + w / 2 * Math.cos(Math.toRadians(a));
        double jy = cy + ry * Math.sin(Math.toRadians(a));
        begin(1);
        to(w * u(0.85, 1.0), 0);
        to(jx + u(0.02, 0.1), 0);
        to(jx, jy);
        arc(w / 2, cy, w / 2, ry, a, 520 - u(0, 30), 2);
        if (term == 2) line(w * 0.95, 0, w * 0.95, 0.08);
        double end = Math.toRadians(520 - 30);
        if (term == 1) dot(w / 2 + w / 2 * Math.cos(end), cy + ry * Math.sin(end), 1.4);
    }

    /** A six; {@code nine} draws it turned half a turn, which is how fonts draw the nine. */
    private void six(int term, boolean nine) {
        int first = points;
        double w = u(0.52, 0.62);
        double ry = u(0.26, 0.32);
        double cy = 1 - ry;
        begin(1);
        arc(w / 2, cy, w / 2, ry, 0, 360, 2);
        double endX;
        double endY;
        if (chance(0.6)) {
            // Curved stem, from the top right round the left side into the bowl.
            double sx = w * u(0.75, 0.95);
            double sy = u(0.03, 0.12);
            begin(1);
            to(w / 2 + w / 2 * Math.cos(Math.toRadians(185)), cy + ry * Math.sin(Math.toRadians(185)));
            quad(u(0.0, 0.08), u(0.0, 0.15), sx, sy);
            endX = sx;
            endY = sy;
        } else {
            // Straight stem, as hands draw it.
            endX = w * u(0.6, 0.9);
            endY = 0;
            double a = Math.toRadians(u(195, 215));
            line(endX, endY, w / 2 + w / 2 * Math.cos(a), cy + ry * Math.sin(a));
        }
        terminal(term, endX, endY, 0, 0.06);
        if (nine) {
            for (int i = first; i < points; i++) {
                xs[i] = w - xs[i];
                ys[i] = 1 - ys[i];
            }
        }
    }

    private void nine(int term) {
        if (chance(0.55)) {
            six(term, true);
            return;
        }
        // A bowl on top and a straight stem down its right side, vertical or slanted.
        double w = u(0.52, 0.62);
        double ry = u(0.24, 0.3);
        begin(1);
        arc(w / 2, ry, w / 2, ry, 0, 360, 2);
        double foot = chance(0.6) ? w * u(0.85, 1.0) : w * u(0.45, 0.7);
        line(w, ry, foot, 1);
    }

    private void seven(int term) {
        double w = u(0.52, 0.64);
        double foot = w * u(0.2, 0.45);
        begin(1);
        to(0, 0);
        to(w, 0);
        if (chance(0.6)) to(foot, 1);
        else quad(w * u(0.45, 0.7), u(0.4, 0.6), foot, 1);
        if (chance(0.2)) {
            double y = u(0.45, 0.55);
            double x = w - (w - foot) * y;
            line(x - 0.18, y, x + 0.16, y);
        }
        if (term == 2) line(0, 0, 0, u(0.08, 0.14));
    }

    private void eight() {
        double w = u(0.5, 0.62);
        double mid = u(0.43, 0.5);
        double r1 = mid / 2;
        double r2 = (1 - mid) / 2;
        double square = chance(0.15) ? 2.6 : 2;
        begin(1);
        arc(w / 2, r1, w / 2 * u(0.75, 0.92), r1, 0, 360, square);
        begin(1);
        arc(w / 2, mid + r2, w / 2, r2, 0, 360, square);
    }

    // ----- placement and rasterisation -----

    private void place() {
        // Proportions: condensed to wide faces.
        double wide = u(0.75, 1.25);
        // Italic slant (top to the right) plus a little shear either way.
        double slant = (chance(0.3) ? u(0.12, 0.25) : 0) + u(-0.1, 0.1);
        double angle = Math.toRadians(u(-12, 12) * rnd.nextDouble());
        // Mostly regular weights, some hairline (light faces, thin pens), some heavy (bold faces).
        double weight = rnd.nextDouble();
        double thick = weight < 0.12 ? u(1.2, 1.6) : weight < 0.9 ? u(1.6, 3.5) : u(3.5, 4.3);
        double contrast = chance(0.35) ? u(0.2, 0.45) : 0;
        double scale = u(0.85, 1.1);
        double shiftX = u(-MAX_SHIFT, MAX_SHIFT);
        double shiftY = u(-MAX_SHIFT, MAX_SHIFT);
        double ink = u(0.85, 1.0);
        double noise = u(0.0, 0.08);

        // Contrast is set by the stroke direction in the design box, before slant and rotation.
        double[] half = new double[points];
        for (int k = 0; k < lines; k++) {
            int s = starts[k];
            int e = k + 1 < lines ? starts[k + 1] : points;
            for (int i = s; i < e; i++) {
                double f = 1;
                if (i + 1 < e && contrast > 0) {
                    double dx = (xs[i + 1] - xs[i]) * wide;
                    double dy = ys[i + 1] - ys[i];
                    double len = Math.hypot(dx, dy);
                    if (len > 0) f = 1 + contrast * (2 * Math.abs(dy) / len - 1);
                }
                half[i] = thick * 0.5 * weights[k] * f;
            }
        }
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i < points; i++) {
            double x = xs[i] * wide + slant * (0.5 - ys[i]);
            double y = ys[i] - 0.5;
            double rx = cos * x - sin * y;
            double ry = sin * x + cos * y;
            xs[i] = rx;
            ys[i] = ry;
            minX = Math.min(minX, rx);
            maxX = Math.max(maxX, rx);
            minY = Math.min(minY, ry);
            maxY = Math.max(maxY, ry);
        }
        // Fit the inked box (skeleton plus stroke) into the box, keeping the aspect ratio.
        double target = BOX * scale;
        double span = Math.max(Math.max(maxX - minX, maxY - minY), 1e-6);
        double k = Math.max(target - thick, 4) / span;
        double cx = (minX + maxX) / 2;
        double cy = (minY + maxY) / 2;
        for (int i = 0; i < points; i++) {
            xs[i] = (xs[i] - cx) * k + (SIDE - 1) / 2.0;
            ys[i] = (ys[i] - cy) * k + (SIDE - 1) / 2.0;
        }
        // Draw once to find the centre of mass, move it to the centre plus the shift, draw again.
        rasterise(half);
        double m = 0, mx = 0, my = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = canvas[y * SIDE + x];
                m += v;
                mx += v * x;
                my += v * y;
            }
        }
        double tx = shiftX;
        double ty = shiftY;
        if (m > 0) {
            tx += (SIDE - 1) / 2.0 - mx / m;
            ty += (SIDE - 1) / 2.0 - my / m;
        }
        for (int i = 0; i < points; i++) {
            xs[i] += tx;
            ys[i] += ty;
        }
        rasterise(half);
        for (int i = 0; i < SIDE * SIDE; i++) {
            float v = canvas[i];
            if (v > 0) {
                v = (float) (v * ink * (1 + noise * (2 * rnd.nextDouble() - 1)));
                canvas[i] = v > 1 ? 1 : v;
            }
        }
    }

    /** Coverage of every pixel: the largest over the strokes of (half width + 0.5 - distance), clamped to [0, 1]. */
    private void rasterise(double[] half) {
        java.util.Arrays.fill(canvas, 0f);
        for (int k = 0; k < lines; k++) {
            int s = starts[k];
            int e = k + 1 < lines ? starts[k + 1] : points;
            if (e - s == 1) {
                segment(xs[s], ys[s], xs[s], ys[s], half[s]);
            } else {
                for (int i = s; i + 1 < e; i++) segment(xs[i], ys[i], xs[i + 1], ys[i + 1], half[i]);
            }
        }
    }

    private void segment(double x0, double y0, double x1, double y1, double h) {
        double reach = h + 0.5;
        int c0 = Math.max(0, (int) Math.floor(Math.min(x0, x1) - reach));
        int c1 = Math.min(SIDE - 1, (int) Math.ceil(Math.max(x0, x1) + reach));
        int r0 = Math.max(0, (int) Math.floor(Math.min(y0, y1) - reach));
        int r1 = Math.min(SIDE - 1, (int) Math.ceil(Math.max(y0, y1) + reach));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                double px = c - x0;
                double py = r - y0;
                double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
                if (t < 0) t = 0;
                else if (t > 1) t = 1;
                double ex = px - t * dx;
                double ey = py - t * dy;
                double cover = reach - Math.sqrt(ex * ex + ey * ey);
                if (cover > 0) {
                    float v = cover >= 1 ? 1f : (float) cover;
                    int at = r * SIDE + c;
                    if (v > canvas[at]) canvas[at] = v;
                }
            }
        }
    }
}
