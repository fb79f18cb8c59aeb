"""The e5 encoder as a torch module, with an extractive question-answering head (training only:
needs the `train` extra). Word embeddings stay outside the module: they come from the wheel's
4-bit matrix (`WordEmbeddings`), are frozen, and are fed in as vectors."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ..e5onnx.e5file import E5File


class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, ffn: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.ao = nn.Linear(hidden, hidden)
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi = nn.Linear(hidden, ffn)
        self.fo = nn.Linear(ffn, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, n, h = x.shape
        hd = h // self.heads

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, hd).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        # written out (not scaled_dot_product_attention) so that the ONNX export is plain MatMuls
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias
        att = torch.matmul(torch.softmax(scores, dim=-1), v)
        att = att.transpose(1, 2).reshape(b, n, h)
        x = self.aln(x + self.drop(self.ao(att)))
        y = self.fo(torch.nn.functional.gelu(self.fi(x)))
        return self.oln(x + self.drop(y))


class QAEncoder(nn.Module):
    """Embeddings (positions, type, LayerNorm) + the first `layers` e5 layers + a span head
    (start and end logits per token; position 0, `<s>`, stands for 'no answer')."""

    def __init__(self, hidden: int, heads: int, ffn: int, layers: int, max_positions: int, eps: float) -> None:
        super().__init__()
        self.pos = nn.Embedding(max_positions, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.eln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList([Layer(hidden, heads, ffn, eps) for _ in range(layers)])
        self.head = nn.Linear(hidden, 2)
        self.drop = nn.Dropout(0.1)

    def forward(self, word: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """word [B, L, H] float, mask [B, L] (1 = token) -> logits [B, L, 2]."""
        n = word.shape[1]
        positions = torch.arange(n, device=word.device)
        x = word + self.pos(positions)[None] + self.token_type.weight[0]
        x = self.drop(self.eln(x))
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        return self.head(x)

    def encode(self, word: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The last hidden states without the head (for checking against the embedding engine)."""
        n = word.shape[1]
        x = word + self.pos(torch.arange(n))[None] + self.token_type.weight[0]
        x = self.eln(x)
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        return x


def from_e5(e5: E5File, layers: int) -> QAEncoder:
    """A QAEncoder whose encoder weights are e5's first `layers` layers, dequantized to fp32;
    the span head starts small and random."""
    s = e5.shape
    model = QAEncoder(s.hidden, s.heads, s.ffn, layers, s.max_positions, s.eps)
    sd: dict[str, np.ndarray] = {
        "pos.weight": e5.tensor("emb.pos").reshape(s.max_positions, s.hidden),
        "token_type.weight": e5.tensor("emb.type").reshape(s.type_vocab, s.hidden),
        "eln.weight": e5.tensor("emb.ln.w"),
        "eln.bias": e5.tensor("emb.ln.b"),
    }
    outs = {"q": s.hidden, "k": s.hidden, "v": s.hidden, "ao": s.hidden, "fi": s.ffn, "fo": s.hidden}
    for i in range(layers):
        for name, out in outs.items():
            sd[f"layers.{i}.{name}.weight"] = e5.linear(f"l{i}.{name}.w", out)
            sd[f"layers.{i}.{name}.bias"] = e5.tensor(f"l{i}.{name}.b")
        for ln in ("aln", "oln"):
            sd[f"layers.{i}.{ln}.weight"] = e5.tensor(f"l{i}.{ln}.w")
            sd[f"layers.{i}.{ln}.bias"] = e5.tensor(f"l{i}.{ln}.b")
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}
    nn.init.normal_(model.head.weight, std=0.02)
    nn.init.zeros_(model.head.bias)
    state["head.weight"] = model.head.weight.detach().clone()
    state["head.bias"] = model.head.bias.detach().clone()
    model.load_state_dict(state)
    return model
