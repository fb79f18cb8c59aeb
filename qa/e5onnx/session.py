"""One way to open an onnxruntime CPU session, for the e5 embedder and the learned reader.

Both graphs are BERT encoders whose linear layers are (mostly) int8 dynamic quantization. Three of
onnxruntime's default graph fusions make them slower on the x86 CPUs this service runs on, so they
are switched off (`qa bench --part embedders` measures the encoder; on the 2-core AMD EPYC
development machine: int8 passages 71 -> 81 chunks/s, query 4.8 -> 3.8 ms):

- SkipLayerNormFusion: residual Add + LayerNormalization become one SkipLayerNormalization kernel,
  which at hidden size 384 runs several times slower than the two ops it replaces;
- BiasGeluFusion / GeluFusion: bias Add + erf GELU become one kernel, likewise slower here than
  the plain Add and Erf-based ops.

The rest of ORT_ENABLE_ALL (constant folding, MatMul+Add, dynamic-quantization fusions) stays on."""

from __future__ import annotations

from pathlib import Path

SLOW_FUSIONS = ("SkipLayerNormFusion", "BiasGeluFusion", "GeluFusion")


def cpu_session(path: str | Path, threads: int, spinning: bool = True):
    """An InferenceSession on the CPU with `threads` intra-op threads, one inter-op thread, all graph
    optimizations but SLOW_FUSIONS. `spinning=False`: idle workers sleep instead of spinning (for a
    model that runs now and then beside other work)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if not spinning:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"],
                                disabled_optimizers=list(SLOW_FUSIONS))
