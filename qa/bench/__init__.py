"""`qa bench`: latency, throughput, scale and memory figures for the pipeline, written as a report.

Sections: seed (the real corpus), scale (synthetic 10k/100k-chunk corpora, one subprocess each),
http (bounded load on loopback against `qa serve`), incremental (re-index after adding a document).
"""
