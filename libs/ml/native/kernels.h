// Fused training kernels for the wasm engine, on float32 memory the caller owns (views of the wasm heap).
// Pure C, no Node-API: addon.c checks every length before it calls these, so they trust their arguments.
// Kernels above a small size split their work over the threads of pool.h, along independent outputs only, so
// their results are the same for every thread count; `sgemm` must then be safe to call from several threads
// at once (OpenBLAS is, and runs single-threaded inside each part).
#ifndef VERIFLOW_KERNELS_H
#define VERIFLOW_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// cblas_sgemm, row-major; the attention kernels call it per (batch, head) on strided slices.
typedef void (*vf_sgemm_fn)(int order, int transa, int transb, int m, int n, int k, float alpha, const float *a, int lda,
                            const float *b, int ldb, float beta, float *c, int ldc);
enum { VF_ROW_MAJOR = 101, VF_NO_TRANS = 111, VF_TRANS = 112 };

// y = γ·x̂ + β with x̂ = (x + r − μ)/σ over rows of `dim` (r may be NULL); keeps x̂ and 1/σ for the backward.
void vf_layer_norm_forward(const float *x, const float *residual, const float *gamma, const float *beta, float epsilon,
                           size_t rows, size_t dim, float *y, float *xhat, float *rstd);
// dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ with dx̂ = dy·γ; dγ = Σ dy·x̂ and dβ = Σ dy over rows.
void vf_layer_norm_backward(const float *dy, const float *xhat, const float *rstd, const float *gamma, size_t rows,
                            size_t dim, float *dx, float *dgamma, float *dbeta);

// Row softmax of logits into probs; returns −Σᵢ wᵢ·log pᵢ[tᵢ] / max(Σ w, 1e-30). Targets are in [0, vocab).
double vf_softmax_xent_forward(const float *logits, const int32_t *targets, const float *weights, size_t rows,
                               size_t vocab, float *probs);
// dlogits = (p − onehot(t))·wᵢ·scale, scale = dy / max(Σ w, 1e-30).
void vf_softmax_xent_backward(const float *probs, const int32_t *targets, const float *weights, float scale, size_t rows,
                              size_t vocab, float *dlogits);

// Multi-head attention over row-major [batch·len, heads·dh] projections, head h in columns h·dh..(h+1)·dh:
// P = softmax(scale·Q·Kᵀ + mask), out = P·V. `key_mask` ([batch, lk], additive) may be NULL; `causal` adds
// −1e9 above the diagonal (as the additive masks of the op-by-op form do). Keeps P [batch, heads, lq, lk].
// Returns 0, or −1 when scratch memory could not be allocated.
int vf_attention_forward(vf_sgemm_fn sgemm, const float *q, const float *k, const float *v, const float *key_mask,
                         int causal, size_t batch, size_t heads, size_t lq, size_t lk, size_t dh, float scale, float *probs,
                         float *out);
int vf_attention_backward(vf_sgemm_fn sgemm, const float *dout, const float *q, const float *k, const float *v,
                          const float *probs, size_t batch, size_t heads, size_t lq, size_t lk, size_t dh, float scale,
                          float *dq, float *dk, float *dv);

// y = x·W + b (W [in, out], or [out, in] with transpose_w), then max(y, 0) when relu; x [rows, in].
void vf_dense_forward(vf_sgemm_fn sgemm, const float *x, const float *w, const float *b, size_t rows, size_t in, size_t out,
                      int transpose_w, int relu, float *y);
// With g = dy (⊙ [y > 0] when y is given, i.e. after relu): dx = g·Wᵀ, dW = xᵀ·g (gᵀ·x with transpose_w),
// db = Σ_rows g. Returns 0, or −1 when scratch memory could not be allocated.
int vf_dense_backward(vf_sgemm_fn sgemm, const float *dy, const float *x, const float *w, const float *y, size_t rows,
                      size_t in, size_t out, int transpose_w, float *dx, float *dw, float *db);

// out[b·length + l] = table[ids[b·length + l]] + positions[l], rows of `dim`; ids are in [0, vocab).
void vf_embedding_forward(const int32_t *ids, size_t batch, size_t length, const float *table, const float *positions,
                          size_t dim, float *out);
// dtable[v] = Σ dy rows whose id is v (every row of dtable written); dpositions[l] = Σ_b dy[b·length + l] for
// l < length, 0 for the other `position_rows − length` rows.
void vf_embedding_backward(const float *dy, const int32_t *ids, size_t batch, size_t length, size_t vocab,
                           size_t position_rows, size_t dim, float *dtable, float *dpositions);

// Σ x² in double.
double vf_sum_squares(const float *x, size_t n);
// One Adam step in place: g ← g·grad_scale; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − step·m/(√v + ε).
void vf_adam(float *p, const float *g, float *m, float *v, size_t n, float grad_scale, float beta1, float beta2,
             float epsilon, float step_size);

// c = op(a)·op(b) (row-major, alpha 1, beta 0), split by rows of c over the pool's threads.
void vf_sgemm_rows(vf_sgemm_fn sgemm, int trans_a, int trans_b, size_t m, size_t n, size_t k, const float *a, int lda,
                   const float *b, int ldb, float *c, int ldc);

// out rows += bias (n values per row), then max(out, 0) when relu.
void vf_bias_activation(float *out, size_t rows, size_t n, const float *bias, int relu);

// Which build of the kernels above this CPU runs: "avx512f", "avx2" or "default" (x86-64 baseline), picked at
// load time by CPU feature.
const char *vf_kernel_clone(void);
#endif
