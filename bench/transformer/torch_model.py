#!/usr/bin/env python3
"""PyTorch twin of veriflow's eigen transformer (libs/eigen/src/model/transformer.ts), for the throughput
benchmark in bench/transformer/run.js. Same shapes and ops, written the same way:

- encoder token embedding; decoder token embedding shared with the output projection (logits = h·Eᵀ + b);
- learned positions per side, added to the token embeddings (no √dim scaling);
- post-LN: LayerNorm after the embeddings and after every residual (x = LN(x + f(x)));
- multi-head attention with explicit q·kᵀ/√dh + additive mask (source PAD keys; causal in decoder
  self-attention), softmax, ·v; ReLU feed-forward of 4·dim; no dropout;
- mean token cross-entropy ignoring PAD (id 0); global-norm gradient clipping; Adam β=(0.9, 0.98), ε=1e-9.

Trained on random token batches (throughput does not depend on the data). Prints one JSON line.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD = 0
BOS = 1
EOS = 2
NEG = -1e9
LN_EPS = 1e-5


def _normal(shape, std, gen):
    return nn.Parameter(torch.randn(*shape, generator=gen) * std)


class Linear(nn.Module):
    def __init__(self, fan_in, fan_out, gen):
        super().__init__()
        self.w = _normal((fan_in, fan_out), math.sqrt(2 / (fan_in + fan_out)), gen)
        self.b = nn.Parameter(torch.zeros(fan_out))

    def forward(self, x):
        return torch.addmm(self.b, x, self.w)


class Norm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.g = nn.Parameter(torch.ones(dim))
        self.b = nn.Parameter(torch.zeros(dim))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.g, self.b, LN_EPS)


class Attention(nn.Module):
    def __init__(self, dim, heads, gen):
        super().__init__()
        self.heads = heads
        self.q = Linear(dim, dim, gen)
        self.k = Linear(dim, dim, gen)
        self.v = Linear(dim, dim, gen)
        self.o = Linear(dim, dim, gen)

    def forward(self, xq, xkv, batch, lq, lk, mask):
        dim = xq.shape[-1]
        dh = dim // self.heads

        def split(t, length):
            return t.view(batch, length, self.heads, dh).transpose(1, 2)

        q = split(self.q(xq) * (1 / math.sqrt(dh)), lq)
        k = split(self.k(xkv), lk)
        v = split(self.v(xkv), lk)
        scores = q @ k.transpose(-1, -2)
        if mask is not None:
            scores = scores + mask
        context = torch.softmax(scores, dim=-1) @ v  # [B, H, Lq, dh]
        merged = context.transpose(1, 2).reshape(batch * lq, dim)
        return self.o(merged)


class FeedForward(nn.Module):
    def __init__(self, dim, gen):
        super().__init__()
        self.ff1 = Linear(dim, 4 * dim, gen)
        self.ff2 = Linear(4 * dim, dim, gen)

    def forward(self, x):
        return self.ff2(torch.relu(self.ff1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, dim, heads, gen):
        super().__init__()
        self.self_attn = Attention(dim, heads, gen)
        self.norm1 = Norm(dim)
        self.ff = FeedForward(dim, gen)
        self.norm2 = Norm(dim)


class DecoderLayer(EncoderLayer):
    def __init__(self, dim, heads, gen):
        super().__init__(dim, heads, gen)
        self.cross = Attention(dim, heads, gen)
        self.norm3 = Norm(dim)


class Transformer(nn.Module):
    def __init__(self, dim, heads, enc_layers, dec_layers, max_len, vocab, seed=1):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        std = 1 / math.sqrt(dim)
        self.dim = dim
        self.vocab = vocab
        self.enc_embed = _normal((vocab, dim), std, gen)
        self.enc_pos = _normal((max_len, dim), std, gen)
        self.enc_norm = Norm(dim)
        self.encoder = nn.ModuleList([EncoderLayer(dim, heads, gen) for _ in range(enc_layers)])
        self.dec_embed = _normal((vocab, dim), std, gen)
        self.dec_pos = _normal((max_len, dim), std, gen)
        self.dec_norm = Norm(dim)
        self.decoder = nn.ModuleList([DecoderLayer(dim, heads, gen) for _ in range(dec_layers)])
        self.out_bias = nn.Parameter(torch.zeros(vocab))

    def embed(self, ids, table, pos):
        batch, length = ids.shape
        x = F.embedding(ids, table) + pos[:length]
        return x.reshape(batch * length, self.dim)

    def forward(self, src, tgt_in):
        batch, ls = src.shape
        lt = tgt_in.shape[1]
        src_mask = ((src == PAD).float() * NEG).view(batch, 1, 1, ls)
        x = self.enc_norm(self.embed(src, self.enc_embed, self.enc_pos))
        for layer in self.encoder:
            x = layer.norm1(x + layer.self_attn(x, x, batch, ls, ls, src_mask))
            x = layer.norm2(x + layer.ff(x))
        memory = x
        causal = torch.triu(torch.full((lt, lt), NEG, device=src.device), diagonal=1).view(1, 1, lt, lt)
        y = self.dec_norm(self.embed(tgt_in, self.dec_embed, self.dec_pos))
        for layer in self.decoder:
            y = layer.norm1(y + layer.self_attn(y, y, batch, lt, lt, causal))
            y = layer.norm3(y + layer.cross(y, memory, batch, lt, ls, src_mask))
            y = layer.norm2(y + layer.ff(y))
        return torch.addmm(self.out_bias, y, self.dec_embed.t())  # [B*Lt, V]


def random_batch(gen, batch, src_len, tgt_len, vocab):
    src = torch.randint(3, vocab, (batch, src_len), generator=gen)
    tgt = torch.randint(3, vocab, (batch, tgt_len), generator=gen)
    bos = torch.full((batch, 1), BOS, dtype=torch.long)
    eos = torch.full((batch, 1), EOS, dtype=torch.long)
    return src, torch.cat([bos, tgt], 1), torch.cat([tgt, eos], 1).reshape(-1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dim', type=int, default=64)
    p.add_argument('--heads', type=int, default=2)
    p.add_argument('--encoder-layers', type=int, default=2)
    p.add_argument('--decoder-layers', type=int, default=1)
    p.add_argument('--vocab', type=int, default=1306)
    p.add_argument('--max-len', type=int, default=77)
    p.add_argument('--src-len', type=int, default=77)
    p.add_argument('--tgt-len', type=int, default=17, help='target tokens without BOS/EOS')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--steps', type=int, default=30)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--lr', type=float, default=5e-4)
    p.add_argument('--clip', type=float, default=5.0)
    p.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    a = p.parse_args()
    # float32 on the GPU as on the CPU: no TF32 products (the comparison is against a float32 engine).
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    model = Transformer(a.dim, a.heads, a.encoder_layers, a.decoder_layers, a.max_len, a.vocab)
    model.to(a.device)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.98), eps=1e-9)
    gen = torch.Generator().manual_seed(2)
    batches = [tuple(t.to(a.device) for t in random_batch(gen, a.batch, a.src_len, a.tgt_len, a.vocab)) for _ in range(4)]

    def step(i):
        # veriflow's learningRate(): linear warm-up over 100 steps (cost-free; keeps the losses comparable)
        for group in opt.param_groups:
            group['lr'] = a.lr * (i + 1) / 100 if i < 100 else a.lr
        src, tgt_in, tgt_out = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits, tgt_out, ignore_index=PAD)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        return loss.item(), norm.item()

    first_loss = None
    for i in range(a.warmup):
        loss, _ = step(i)
        if first_loss is None:
            first_loss = loss
    times = []
    for i in range(a.steps):
        t0 = time.perf_counter()
        loss, _ = step(a.warmup + i)
        times.append(time.perf_counter() - t0)
    total = sum(times)
    times.sort()
    print(json.dumps({
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'interop_threads': torch.get_num_interop_threads(),
        'mkldnn': torch.backends.mkldnn.is_available(),
        # loss.item() in every step waits for the GPU, so the step times hold on CUDA too.
        'device': torch.cuda.get_device_name() if a.device == 'cuda' else 'cpu',
        'parameters': sum(t.numel() for t in model.parameters()),
        'first_loss': first_loss,
        'last_loss': loss,
        'steps': a.steps,
        'seconds': total,
        'samples_per_second': a.batch * a.steps / total,
        'median_step_ms': 1000 * times[len(times) // 2],
        'max_step_ms': 1000 * times[-1],
    }))


if __name__ == '__main__':
    main()
