"""Crafted .npy files and NumPy's verdict on each: the test cases for
pooling4j's .npy reader (org.pooling4j.io.Npy), which must accept exactly what
NumPy's reader accepts (numpy.load, allow_pickle=False) and read the same shape
and values, except for what pooling4j does not support (other dtypes, big-endian
data, fortran_order True), which it refuses with a message saying so.

NumPy's reader (numpy/lib/format.py) is the specification: magic \\x93NUMPY,
version 1.0 / 2.0 / 3.0 (2- or 4-byte little-endian header length), header
decoded as latin-1 (1.0, 2.0) or UTF-8 (3.0), at most 10000 characters, parsed
with ast.literal_eval (Python literal syntax: comments, either quote, implicit
string concatenation, trailing commas, hex or underscored integers...; for 1.0
and 2.0 a Python 2 "L" after an integer is dropped), a dict with exactly the keys
'descr', 'fortran_order', 'shape' (duplicates: the last wins), shape a tuple of
ints, fortran_order a bool.  Neither alignment nor the trailing newline that
NumPy's writer produces is required by its reader.

Usage:

    python3 -m venv venv && venv/bin/pip install numpy
    venv/bin/python tools/golden/npy_header_cases.py \
        pooling4j-core/src/test/resources/npy-headers

Writes OUTDIR/<case>.npy and OUTDIR/manifest.jsonl: one line per case with
"file", "numpy" ("accept" or "reject"), NumPy's shape, dtype and values (if
accepted) or its error (if rejected), and "pooling4j": "accept" or "refuse"
(NumPy accepts, pooling4j does not support it) or "reject".
"""

import json
import os
import struct
import sys
import warnings

import numpy as np

MAGIC = b"\x93NUMPY"
DATA6 = np.arange(1, 7, dtype="<f4").tobytes()  # six float32 values 1..6


def npy(header, data=DATA6, version=(1, 0), encoding=None, length=None):
    """A file with the given header text (no padding added) and data bytes."""
    enc = encoding or ("utf-8" if version[0] == 3 else "latin-1")
    h = header.encode(enc) if isinstance(header, str) else header
    n = len(h) if length is None else length
    fmt = "<H" if version[0] == 1 else "<I"
    return MAGIC + bytes(version) + struct.pack(fmt, n) + h + data


def std(shape="(2, 3)", descr="'<f4'", fortran="False"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


def aligned(header, version=(1, 0)):
    """Pads as NumPy's writer does: spaces, then '\\n', preamble a multiple of 64."""
    pre = 10 if version[0] == 1 else 12
    total = pre + len(header.encode("utf-8")) + 1
    return header + " " * ((64 - total % 64) % 64) + "\n"


# (name, file bytes, what pooling4j does where NumPy accepts: "accept" or "refuse")
CASES = [
    # --- accepted by NumPy --------------------------------------------------------------
    ("ok_v1_aligned", npy(aligned(std())), "accept"),
    ("ok_v2", npy(aligned(std(), (2, 0)), version=(2, 0)), "accept"),
    ("ok_v3_utf8_comment", npy(aligned("{'descr': '<f4', # \u00e9t\u00e9 \u2713\n'fortran_order': False, 'shape': (2, 3)}", (3, 0)), version=(3, 0)), "accept"),
    ("ok_unaligned_no_newline", npy(std()), "accept"),
    ("ok_legacy_16_alignment", npy(std() + " " * 6 + "\n"), "accept"),
    ("ok_key_order_double_quotes", npy('{"shape": (2, 3), "fortran_order": False, "descr": "<f4"}'), "accept"),
    ("ok_no_trailing_comma_no_spaces", npy("{'descr':'<f4','fortran_order':False,'shape':(2,3)}"), "accept"),
    ("ok_shape_trailing_comma", npy(std("(2, 3,)")), "accept"),
    ("ok_shape_one_dim", npy(std("(6,)")), "accept"),
    ("ok_shape_scalar", npy(std("()"), data=DATA6[:4]), "accept"),
    ("ok_shape_empty_dim", npy(std("(0, 3)"), data=b""), "accept"),
    ("ok_shape_parenthesized", npy(std("((2), (3))")), "accept"),
    ("ok_shape_hex_underscore_plus", npy(std("(0x2, +3)")), "accept"),
    ("ok_shape_underscore", npy(std("(1_2,)"), data=DATA6 * 2), "accept"),
    ("ok_shape_zero_underscore", npy(std("(0_0, 3)"), data=b""), "accept"),
    ("bad_shape_bool_entries", npy(std("(True, 6)")), None),
    ("ok_shape_minus_zero", npy(std("(-0, 3)"), data=b""), "accept"),
    ("ok_python2_long_v1", npy(std("(2L, 3L)")), "accept"),
    ("ok_duplicate_shape_last_wins", npy("{'descr': '<f4', 'shape': (5, 5), 'fortran_order': False, 'shape': (2, 3)}"), "accept"),
    ("ok_duplicate_descr_last_wins", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), 'descr': '<f4'}"), "accept"),
    ("ok_duplicate_fortran_last_wins", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), 'fortran_order': False}"), "accept"),
    ("ok_string_concat_escapes", npy("{'de' 'scr': '\\x3cf4', 'fortran_order': False, \"sh\\u0061pe\": (2, 3)}"), "accept"),
    ("ok_raw_unicode_triple_strings", npy("{r'descr': u'<f4', '''fortran_order''': False, \"\"\"shape\"\"\": (2, 3)}"), "accept"),
    ("ok_comment_lines_and_tabs", npy("# leading comment\n{\t'descr':\t'<f4',  # c\n  'fortran_order' : False ,\n\n 'shape' : ( 2 ,\n 3 ) }  # end\n\n"), "accept"),
    ("ok_leading_spaces", npy("   " + std()), "accept"),
    ("ok_leading_newline", npy("\n" + std()), "accept"),
    ("ok_crlf", npy(std() + "\r\n"), "accept"),
    ("ok_trailing_data_ignored", npy(std(), data=DATA6 + b"\x00" * 8), "accept"),
    ("ok_latin1_comment_v1", npy(b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} # \xe9\xff\n"), "accept"),
    ("ok_int64", npy(std(descr="'<i8'"), data=np.arange(6, dtype="<i8").tobytes()), "accept"),
    ("ok_uint8_pipe", npy(std(descr="'|u1'"), data=bytes(range(6))), "accept"),
    ("bad_descr_bytes", npy(std(descr="b'<f4'")), None),
    ("ok_header_10000_chars", npy(std() + " " * (10000 - len(std()))), "accept"),
    # NumPy accepts these; pooling4j does not support them and says so
    ("refuse_fortran_true", npy(std(fortran="True")), "refuse"),
    ("refuse_big_endian", npy(std(descr="'>f4'"), data=np.arange(1, 7, dtype=">f4").tobytes()), "refuse"),
    ("refuse_complex", npy(std(descr="'<c8'"), data=DATA6 * 2), "refuse"),
    ("refuse_native_spelling", npy(std(descr="'float32'")), "refuse"),
    # --- rejected by NumPy --------------------------------------------------------------
    ("bad_extra_key", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}"), None),
    ("bad_missing_fortran_order", npy("{'descr': '<f4', 'shape': (2, 3)}"), None),
    ("bad_missing_shape", npy("{'descr': '<f4', 'fortran_order': False}"), None),
    ("bad_nul_separator", npy("{'descr': '<f4',\x00'fortran_order': False, 'shape': (2, 3)}"), None),
    ("bad_nul_padding", npy(std() + "\x00" * 5 + "\n"), None),
    ("bad_shape_repeated_commas", npy(std("(1,,,1,,2,3)")), None),
    ("bad_shape_lone_comma", npy(std("(,)"), data=b""), None),
    ("bad_shape_not_tuple_int", npy(std("6")), None),
    ("bad_shape_list", npy(std("[2, 3]")), None),
    ("bad_shape_float", npy(std("(2.0, 3)")), None),
    ("bad_shape_string", npy(std("('2', 3)")), None),
    ("bad_shape_none", npy(std("None")), None),
    ("bad_shape_leading_zero", npy(std("(02, 3)")), None),
    ("bad_shape_underscore_leading_zero", npy(std("(0_0_2, 3)")), None),
    ("bad_shape_double_underscore", npy(std("(1__0, 3)")), None),
    ("bad_shape_negative", npy(std("(-2, -3)")), None),
    ("bad_shape_negative_one", npy(std("(-1, 6)")), None),
    ("bad_shape_expression", npy(std("(1+1, 3)")), None),
    ("bad_python2_long_v3", npy(aligned(std("(2L, 3L)"), (3, 0)), version=(3, 0)), None),
    ("bad_fortran_int", npy(std(fortran="0")), None),
    ("bad_fortran_string", npy(std(fortran="'False'")), None),
    ("bad_descr_unknown", npy(std(descr="'<x9'")), None),
    ("bad_descr_int", npy(std(descr="4")), None),
    ("bad_not_a_dict", npy("('<f4', False, (2, 3))"), None),
    ("bad_set_not_dict", npy("{'descr', 'fortran_order', 'shape'}"), None),
    ("bad_unterminated_dict", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)"), None),
    ("bad_trailing_garbage", npy(std() + " x"), None),
    ("bad_two_dicts", npy(std() + "\n" + std()), None),
    ("bad_indented_after_newline", npy("\n  " + std()), None),
    ("bad_key_bytes", npy("{b'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"), None),
    ("bad_mixed_bytes_str_concat", npy("{'descr': '<f' b'4', 'fortran_order': False, 'shape': (2, 3)}"), None),
    ("bad_unterminated_string", npy("{'descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}"), None),
    ("bad_vertical_tab", npy(std() + "\x0b"), None),
    ("bad_empty_header", npy(""), None),
    ("bad_header_too_long", npy(std() + " " * (10001 - len(std()))), None),
    ("bad_v3_invalid_utf8", npy(b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} # \xff\n", version=(3, 0)), None),
    ("bad_version_1_1", npy(std(), version=(1, 1)), None),
    ("bad_version_4_0", npy(std(), version=(4, 0)), None),
    ("bad_magic", b"\x93NUMPX" + npy(std())[6:], None),
    ("bad_header_length_past_end", npy(std(), data=b"", length=200), None),
    ("bad_data_short", npy(std(), data=DATA6[:20]), None),
    ("bad_shape_product_overflow", npy(std("(4294967296, 4294967296)")), None),
    ("bad_shape_huge", npy(std("(1000000, 1000000, 1000000)")), None),
    ("bad_shape_huge_dim", npy(std("(99999999999999999999999,)")), None),
]


def numpy_verdict(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            a = np.load(path, allow_pickle=False)
        except BaseException as e:  # noqa: B902 - any failure is a rejection
            return {"numpy": "reject", "error": "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200])}
    v = {"numpy": "accept", "shape": list(a.shape), "dtype": a.dtype.str,
         "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous)}
    if a.dtype.kind in "fiu":
        v["values"] = [float(x) if a.dtype.kind == "f" else int(x) for x in np.ravel(a, order="C")]
    return v


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: npy_header_cases.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = set()
    with open(os.path.join(out, "manifest.jsonl"), "w") as m:
        for name, data, ours in CASES:
            assert name not in names, name
            names.add(name)
            path = os.path.join(out, name + ".npy")
            with open(path, "wb") as f:
                f.write(data)
            v = numpy_verdict(path)
            expect = ("accept" if name.startswith("ok_") else "refuse" if name.startswith("refuse_") else "reject")
            assert v["numpy"] == ("reject" if expect == "reject" else "accept"), (name, v)
            v = {"file": name + ".npy", **v, "pooling4j": ours or "reject"}
            m.write(json.dumps(v) + "\n")
    print("%d cases, numpy %s" % (len(CASES), np.__version__))


if __name__ == "__main__":
    main()
