package org.pooling4j.io;

/**
 * IEEE 754 binary16 conversions (Java 17 has none in the platform). Encoding rounds to nearest,
 * ties to even, overflows to infinity and keeps NaN a NaN.
 */
public final class Float16 {
    private Float16() {}

    public static float toFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            // Subnormal: mant * 2^-24, exact in float.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static int fromFloat(float f) {
        int b = Float.floatToRawIntBits(f);
        int sign = (b >>> 16) & 0x8000;
        int exp = (b >>> 23) & 0xff;
        int mant = b & 0x7fffff;
        if (exp == 0xff) return sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0);
        int e = exp - 127 + 15;
        if (e >= 0x1f) return sign | 0x7c00;
        if (e <= 0) {
            if (e < -10) return sign;
            // Subnormal half: shift the full significand (with its hidden bit) and round to nearest even.
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) half++;
            return sign | half;
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        // A carry out of the mantissa moves into the exponent, which is the correct rounding (up to infinity).
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) half++;
        return sign | half;
    }

    /** {@code f} rounded to the nearest binary16 value, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
