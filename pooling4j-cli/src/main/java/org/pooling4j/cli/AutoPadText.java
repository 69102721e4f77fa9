package org.pooling4j.cli;

import java.util.Locale;
import org.pooling4j.AutoPad;

/**
 * Padding given as a word, as Keras, TensorFlow and ONNX write it, for the command line and the job
 * runner. {@code same} (any case) is Keras's and TensorFlow's: the output has ceil(input / stride)
 * cells, the total padding is split with the odd cell at the end, padded cells never win a max and
 * are not counted by an average. {@code valid}: no padding, only windows inside the input.
 * {@code same_upper} and {@code same_lower} are ONNX's names.
 */
public final class AutoPadText {
    /** What the words accepted are, for messages. */
    public static final String RULE = "\"same\" or \"valid\" (any case; also ONNX's \"same_upper\", \"same_lower\")";

    private AutoPadText() {}

    /** The auto-pad the word names, or null when {@code text} is not one (a number, a list). */
    public static AutoPad parse(String text) {
        if (text == null) return null;
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "same":
            case "same_upper":
                return AutoPad.SAME_UPPER;
            case "same_lower":
                return AutoPad.SAME_LOWER;
            case "valid":
                return AutoPad.VALID;
            default:
                return null;
        }
    }
}
