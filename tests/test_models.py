"""The wheel's OCR models folded at load (extract.models): the same outputs, fewer passes."""
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from extract.models import folded, op_counts  # noqa: E402


def _session(model):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.log_severity_level = 4
    return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])


def _scalar(name, v):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array([v], np.float32), name))


def _block(pad: int) -> bytes:
    """x → Conv(3×3, pad 1) → ·2 → +0.5 → hard-swish (Add 3, Clip 0..6, Mul, Div 6) → ·0.25
    → +0.125 → Conv(1×1 or 3×3 with ``pad``): one PP-LCNetV3 step, as the wheel's models
    are exported."""
    rng = np.random.default_rng(7)
    w1, b1 = rng.normal(size=(4, 2, 3, 3)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    k = 1 if pad == 0 else 3
    w2, b2 = rng.normal(size=(3, 4, k, k)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    nodes = [_scalar(n, v) for n, v in (("two", 2.0), ("half", 0.5), ("three", 3.0), ("zero", 0.0), ("six", 6.0),
                                        ("six_", 6.0), ("quarter", 0.25), ("eighth", 0.125))]
    nodes += [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
              helper.make_node("Mul", ["two", "c1"], ["m1"]),
              helper.make_node("Add", ["m1", "half"], ["y"]),
              helper.make_node("Add", ["y", "three"], ["y3"]),
              helper.make_node("Clip", ["y3", "zero", "six"], ["clip"]),
              helper.make_node("Mul", ["y", "clip"], ["yc"]),
              helper.make_node("Div", ["yc", "six_"], ["hs"]),
              helper.make_node("Mul", ["quarter", "hs"], ["m2"]),
              helper.make_node("Add", ["m2", "eighth"], ["a2"]),
              helper.make_node("Conv", ["a2", "w2", "b2"], ["out"], pads=[pad] * 4)]
    graph = helper.make_graph(nodes, "block", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 6, 8])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)]).SerializeToString()


@pytest.mark.parametrize("pad", [0, 1])
def test_a_convolutions_scale_shift_and_hard_swish_fold_into_it_worked_by_hand(tmp_path, pad):
    src = tmp_path / "block.onnx"
    src.write_bytes(_block(pad))
    out = folded(str(src))
    m = onnx.load_from_string(out)
    w = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    first, second = [n for n in m.graph.node if n.op_type == "Conv"]
    orig = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(src)).graph.initializer}
    # ·2 then +0.5 after the first convolution: W·2, b·2 + 0.5
    assert np.allclose(w[first.input[1]], orig["w1"] * 2)
    assert np.allclose(w[first.input[2]], orig["b1"] * 2 + 0.5)
    # ·0.25 before the second: W·0.25; its +0.125 goes into the bias (0.125 · ΣW) only
    # where the convolution pads nothing, else stays before it as +0.125 / 0.25 = +0.5
    assert np.allclose(w[second.input[1]], orig["w2"] * 0.25)
    counts = op_counts(out)
    assert counts["HardSigmoid"] == 1 and not counts["Clip"] and not counts["Div"]
    if pad == 0:
        assert np.allclose(w[second.input[2]], orig["b2"] + 0.125 * orig["w2"].sum(axis=(1, 2, 3)))
        assert counts["Mul"] == 1 and not counts["Add"]             # hard-swish's own Mul only
    else:
        assert np.allclose(w[second.input[2]], orig["b2"])
        shift = next(n for n in m.graph.node if n.op_type == "Add")
        assert np.allclose(w[shift.input[1]], 0.5)
    x = np.random.default_rng(1).normal(scale=2.0, size=(1, 2, 6, 8)).astype(np.float32)
    want = _session(str(src)).run(None, {"x": x})[0]
    got = _session(out).run(None, {"x": x})[0]
    assert np.allclose(got, want, atol=1e-4)


def test_the_wheels_models_folded_read_a_scanned_page_as_before():
    """Each shipped model: its hard-swishes all folded, and on a real scanned page the
    same boxes, the same classes and the same text as the model as shipped."""
    from conftest import FIXTURES
    from extract import ocr, scan
    import rapidocr_onnxruntime
    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    img = scan.render_pdf_page(str(FIXTURES / "scans" / "scan_form00_national2020.pdf"), 1)
    gray, _ = scan._cleaned(scan.fit(img)[0], 0)
    boxes = ocr.detect(gray)
    strip = ocr._strips([p for ids in ocr._lines(boxes, ocr.SETTINGS) for p in ocr._pieces(gray, boxes, ids)], ocr.SETTINGS)[0][0]
    det_in = np.repeat((gray[:1024, :736].astype(np.float32) / 127.5 - 1.0)[None, None], 3, axis=1)
    for name, x in (("det", det_in), ("rec", strip), ("cls", strip[:, :, :, :192])):
        path = str(next(models.glob(f"*{name}*.onnx")))
        out = folded(path)
        before, after = op_counts(open(path, "rb").read()), op_counts(out)
        assert before["Clip"] > 0 and after["Clip"] == 0 and after["HardSigmoid"] >= before["Clip"], name
        a, b = (_session(m).run(None, {"x": x})[0] for m in (path, out))
        assert np.abs(a - b).max() < 1e-4, name
        if name != "det":
            assert (a.argmax(-1) == b.argmax(-1)).all(), name
