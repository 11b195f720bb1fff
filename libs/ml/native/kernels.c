// Fused training kernels (see kernels.h). Each replaces a chain of small tfjs kernels whose fixed cost per
// call was most of a training step; the loops are written so GCC vectorises them, and the hot ones are built
// for AVX-512, AVX2 and baseline x86-64, picked at load time by CPU feature (target_clones; not by "arch=",
// which matches CPU models, and our virtual CPUs report none), so one build runs everywhere.
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VF_HAVE_CLONES 1
#define VF_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VF_HAVE_CLONES 0
#define VF_CLONES
#endif

static const float NEG_MASK = -1e9f;

// Reductions in 16 independent lanes: without -ffast-math GCC keeps a float sum (or max) in source order, one
// element at a time; these lanes let it vectorise while the order stays fixed, so results are reproducible.
enum { LANES = 16 };

static inline float sum_f32(const float *x, size_t n) {
  float acc[LANES] = {0};
  size_t j = 0;
  for (; j + LANES <= n; j += LANES)
    for (size_t l = 0; l < LANES; l++) acc[l] += x[j + l];
  float s = 0;
  for (size_t l = 0; l < LANES; l++) s += acc[l];
  for (; j < n; j++) s += x[j];
  return s;
}

static inline float dot_f32(const float *x, const float *y, size_t n) {
  float acc[LANES] = {0};
  size_t j = 0;
  for (; j + LANES <= n; j += LANES)
    for (size_t l = 0; l < LANES; l++) acc[l] += x[j + l] * y[j + l];
  float s = 0;
  for (size_t l = 0; l < LANES; l++) s += acc[l];
  for (; j < n; j++) s += x[j] * y[j];
  return s;
}

static inline float max_f32(const float *x, size_t n) {
  float acc[LANES];
  for (size_t l = 0; l < LANES; l++) acc[l] = x[0];
  size_t j = 0;
  for (; j + LANES <= n; j += LANES)
    for (size_t l = 0; l < LANES; l++) acc[l] = x[j + l] > acc[l] ? x[j + l] : acc[l];
  float m = acc[0];
  for (size_t l = 1; l < LANES; l++) m = acc[l] > m ? acc[l] : m;
  for (; j < n; j++) m = x[j] > m ? x[j] : m;
  return m;
}

// exp for the softmaxes: Cephes' expf polynomial (relative error ~1e-7 over the range), branch-free so that it
// vectorises; libm's expf does not. Below −87.3 (where expf underflows) it returns 0.
static inline float vf_expf(float x) {
  // Above hi the exponent would reach 255 (inf); softmax inputs are ≤ 0 anyway.
  const float lo = -87.33654f, hi = 88.3762626647949f;
  const int under = x < lo;
  x = x > hi ? hi : (x < lo ? lo : x);
  const float n = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.0f;
  union {
    int32_t i;
    float f;
  } scale = {.i = ((int32_t)n + 127) << 23};
  return under ? 0.0f : y * scale.f;
}

VF_CLONES void vf_layer_norm_forward(const float *x, const float *residual, const float *gamma, const float *beta,
                                     float epsilon, size_t rows, size_t dim, float *y, float *xhat, float *rstd) {
  const float inv_dim = 1.0f / (float)dim;
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * dim;
    float *hr = xhat + r * dim;
    // x̂ holds the (residual) sum first, so the sum is read once.
    if (residual != NULL) {
      const float *rr = residual + r * dim;
      for (size_t j = 0; j < dim; j++) hr[j] = xr[j] + rr[j];
    } else {
      memcpy(hr, xr, dim * sizeof *hr);
    }
    const float mean = sum_f32(hr, dim) * inv_dim;
    for (size_t j = 0; j < dim; j++) hr[j] -= mean;
    const float inv = 1.0f / sqrtf(dot_f32(hr, hr, dim) * inv_dim + epsilon);
    rstd[r] = inv;
    float *yr = y + r * dim;
    for (size_t j = 0; j < dim; j++) {
      const float h = hr[j] * inv;
      hr[j] = h;
      yr[j] = h * gamma[j] + beta[j];
    }
  }
}

VF_CLONES void vf_layer_norm_backward(const float *dy, const float *xhat, const float *rstd, const float *gamma,
                                      size_t rows, size_t dim, float *dx, float *dgamma, float *dbeta) {
  const float inv_dim = 1.0f / (float)dim;
  memset(dgamma, 0, dim * sizeof *dgamma);
  memset(dbeta, 0, dim * sizeof *dbeta);
  for (size_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * dim;
    const float *hr = xhat + r * dim;
    float *dxr = dx + r * dim;
    // dx̂ goes to dx first, then becomes dx in place.
    for (size_t j = 0; j < dim; j++) {
      dxr[j] = dyr[j] * gamma[j];
      dgamma[j] += dyr[j] * hr[j];
      dbeta[j] += dyr[j];
    }
    const float a = sum_f32(dxr, dim) * inv_dim, c = dot_f32(dxr, hr, dim) * inv_dim;
    const float inv = rstd[r];
    for (size_t j = 0; j < dim; j++) dxr[j] = (dxr[j] - a - hr[j] * c) * inv;
  }
}

// probs row = softmax(row); returns log Σ exp(row − max) (the log-normaliser after the shift) and the max.
static inline float softmax_row(const float *row, size_t n, float *probs, float *max_out) {
  const float max = max_f32(row, n);
  for (size_t j = 0; j < n; j++) probs[j] = vf_expf(row[j] - max);
  const float sum = sum_f32(probs, n);
  const float inv = 1.0f / sum;
  for (size_t j = 0; j < n; j++) probs[j] *= inv;
  *max_out = max;
  return logf(sum);
}

VF_CLONES double vf_softmax_xent_forward(const float *logits, const int32_t *targets, const float *weights, size_t rows,
                               size_t vocab, float *probs) {
  double total = 0, count = 0;
  for (size_t r = 0; r < rows; r++) {
    const float *row = logits + r * vocab;
    float max;
    const float log_sum = softmax_row(row, vocab, probs + r * vocab, &max);
    const double w = weights[r];
    count += w;
    if (w != 0) total += w * ((double)(row[targets[r]] - max) - log_sum);
  }
  return -total / (count > 1e-30 ? count : 1e-30);
}

VF_CLONES void vf_softmax_xent_backward(const float *probs, const int32_t *targets, const float *weights, float scale,
                                        size_t rows, size_t vocab, float *dlogits) {
  for (size_t r = 0; r < rows; r++) {
    const float s = weights[r] * scale;
    const float *pr = probs + r * vocab;
    float *dr = dlogits + r * vocab;
    for (size_t j = 0; j < vocab; j++) dr[j] = pr[j] * s;
    dr[targets[r]] -= s;
  }
}

// P (lq × lk, already scale·QKᵀ) += masks, then softmax per row.
static inline void mask_softmax(float *p, const float *key_mask, int causal, size_t lq, size_t lk) {
  for (size_t i = 0; i < lq; i++) {
    float *row = p + i * lk;
    if (key_mask != NULL)
      for (size_t j = 0; j < lk; j++) row[j] += key_mask[j];
    if (causal)
      for (size_t j = i + 1; j < lk; j++) row[j] += NEG_MASK;
    float max;
    (void)softmax_row(row, lk, row, &max);
  }
}

VF_CLONES int vf_attention_forward(vf_sgemm_fn sgemm, const float *q, const float *k, const float *v, const float *key_mask,
                         int causal, size_t batch, size_t heads, size_t lq, size_t lk, size_t dh, float scale, float *probs,
                         float *out) {
  const int ld = (int)(heads * dh);
  for (size_t b = 0; b < batch; b++) {
    for (size_t h = 0; h < heads; h++) {
      float *p = probs + ((b * heads + h) * lq) * lk;
      const float *qh = q + b * lq * ld + h * dh, *kh = k + b * lk * ld + h * dh, *vh = v + b * lk * ld + h * dh;
      sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_TRANS, (int)lq, (int)lk, (int)dh, scale, qh, ld, kh, ld, 0.0f, p, (int)lk);
      mask_softmax(p, key_mask != NULL ? key_mask + b * lk : NULL, causal, lq, lk);
      sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_NO_TRANS, (int)lq, (int)dh, (int)lk, 1.0f, p, (int)lk, vh, ld, 0.0f,
            out + b * lq * ld + h * dh, ld);
    }
  }
  return 0;
}

// dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place in dP.
static inline void softmax_backward(float *dp, const float *p, size_t lq, size_t lk) {
  for (size_t i = 0; i < lq; i++) {
    float *d = dp + i * lk;
    const float *pr = p + i * lk;
    const float dot = dot_f32(d, pr, lk);
    for (size_t j = 0; j < lk; j++) d[j] = pr[j] * (d[j] - dot);
  }
}

VF_CLONES int vf_attention_backward(vf_sgemm_fn sgemm, const float *dout, const float *q, const float *k, const float *v,
                          const float *probs, size_t batch, size_t heads, size_t lq, size_t lk, size_t dh, float scale,
                          float *dq, float *dk, float *dv) {
  float *ds = malloc(lq * lk * sizeof *ds);
  if (ds == NULL) return -1;
  const int ld = (int)(heads * dh);
  for (size_t b = 0; b < batch; b++) {
    for (size_t h = 0; h < heads; h++) {
      const float *p = probs + ((b * heads + h) * lq) * lk;
      const size_t qo = b * lq * ld + h * dh, ko = b * lk * ld + h * dh;
      // dP = dO·Vᵀ, dV = Pᵀ·dO, then dS, dQ = scale·dS·K, dK = scale·dSᵀ·Q.
      sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_TRANS, (int)lq, (int)lk, (int)dh, 1.0f, dout + qo, ld, v + ko, ld, 0.0f, ds,
            (int)lk);
      sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, (int)lk, (int)dh, (int)lq, 1.0f, p, (int)lk, dout + qo, ld, 0.0f, dv + ko,
            ld);
      softmax_backward(ds, p, lq, lk);
      sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_NO_TRANS, (int)lq, (int)dh, (int)lk, scale, ds, (int)lk, k + ko, ld, 0.0f,
            dq + qo, ld);
      sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, (int)lk, (int)dh, (int)lq, scale, ds, (int)lk, q + qo, ld, 0.0f, dk + ko,
            ld);
    }
  }
  free(ds);
  return 0;
}

void vf_dense_forward(vf_sgemm_fn sgemm, const float *x, const float *w, const float *b, size_t rows, size_t in, size_t out,
                      int transpose_w, int relu, float *y) {
  sgemm(VF_ROW_MAJOR, VF_NO_TRANS, transpose_w ? VF_TRANS : VF_NO_TRANS, (int)rows, (int)out, (int)in, 1.0f, x, (int)in, w,
        transpose_w ? (int)in : (int)out, 0.0f, y, (int)out);
  vf_bias_activation(y, rows, out, b, relu);
}

// g = dy ⊙ [y > 0] into `masked` when y is given (relu), then db = column sums of g (dy without relu).
VF_CLONES static void relu_mask_and_column_sums(const float *dy, const float *y, size_t rows, size_t out, float *masked,
                                                float *db) {
  memset(db, 0, out * sizeof *db);
  for (size_t r = 0; r < rows; r++) {
    const float *gr = dy + r * out;
    if (y != NULL) {
      const float *yr = y + r * out;
      float *mr = masked + r * out;
      for (size_t j = 0; j < out; j++) mr[j] = yr[j] > 0 ? gr[j] : 0;
      gr = mr;
    }
    for (size_t j = 0; j < out; j++) db[j] += gr[j];
  }
}

int vf_dense_backward(vf_sgemm_fn sgemm, const float *dy, const float *x, const float *w, const float *y, size_t rows,
                      size_t in, size_t out, int transpose_w, float *dx, float *dw, float *db) {
  float *masked = NULL;
  const float *g = dy;
  if (y != NULL) {
    masked = malloc(rows * out * sizeof *masked);
    if (masked == NULL) return -1;
    g = masked;
  }
  relu_mask_and_column_sums(dy, y, rows, out, masked, db);
  if (transpose_w) {
    // W [out, in]: dx = g·W, dW = gᵀ·x.
    sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_NO_TRANS, (int)rows, (int)in, (int)out, 1.0f, g, (int)out, w, (int)in, 0.0f, dx, (int)in);
    sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, (int)out, (int)in, (int)rows, 1.0f, g, (int)out, x, (int)in, 0.0f, dw, (int)in);
  } else {
    // W [in, out]: dx = g·Wᵀ, dW = xᵀ·g.
    sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_TRANS, (int)rows, (int)in, (int)out, 1.0f, g, (int)out, w, (int)out, 0.0f, dx, (int)in);
    sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, (int)in, (int)out, (int)rows, 1.0f, x, (int)in, g, (int)out, 0.0f, dw, (int)out);
  }
  free(masked);
  return 0;
}

VF_CLONES void vf_embedding_forward(const int32_t *ids, size_t batch, size_t length, const float *table,
                                    const float *positions, size_t dim, float *out) {
  for (size_t b = 0; b < batch; b++) {
    for (size_t l = 0; l < length; l++) {
      const float *t = table + (size_t)ids[b * length + l] * dim, *p = positions + l * dim;
      float *o = out + (b * length + l) * dim;
      for (size_t j = 0; j < dim; j++) o[j] = t[j] + p[j];
    }
  }
}

VF_CLONES void vf_embedding_backward(const float *dy, const int32_t *ids, size_t batch, size_t length, size_t vocab,
                                     size_t position_rows, size_t dim, float *dtable, float *dpositions) {
  memset(dtable, 0, vocab * dim * sizeof *dtable);
  memset(dpositions, 0, position_rows * dim * sizeof *dpositions);
  for (size_t b = 0; b < batch; b++) {
    for (size_t l = 0; l < length; l++) {
      const float *d = dy + (b * length + l) * dim;
      float *t = dtable + (size_t)ids[b * length + l] * dim, *p = dpositions + l * dim;
      for (size_t j = 0; j < dim; j++) {
        t[j] += d[j];
        p[j] += d[j];
      }
    }
  }
}

VF_CLONES double vf_sum_squares(const float *x, size_t n) {
  // Blocks of float partial sums (vectorised) folded into a double, so long tensors keep their precision.
  double total = 0;
  for (size_t start = 0; start < n; start += 4096) {
    const size_t end = start + 4096 < n ? start + 4096 : n;
    total += dot_f32(x + start, x + start, end - start);
  }
  return total;
}

VF_CLONES void vf_adam(float *p, const float *g, float *m, float *v, size_t n, float grad_scale, float beta1,
                       float beta2, float epsilon, float step_size) {
  const float a1 = 1.0f - beta1, a2 = 1.0f - beta2;
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i] * grad_scale;
    const float mi = beta1 * m[i] + a1 * gi;
    const float vi = beta2 * v[i] + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= step_size * mi / (sqrtf(vi) + epsilon);
  }
}

VF_CLONES void vf_bias_activation(float *out, size_t rows, size_t n, const float *bias, int relu) {
  for (size_t r = 0; r < rows; r++) {
    float *row = out + r * n;
    if (bias != NULL)
      for (size_t j = 0; j < n; j++) row[j] += bias[j];
    if (relu)
      for (size_t j = 0; j < n; j++) row[j] = row[j] > 0 ? row[j] : 0;
  }
}

#if VF_HAVE_CLONES
// GCC names each clone "<function>.<target>"; comparing the address the dynamic loader resolved (through the
// ifunc) with theirs tells which one this CPU runs, rather than guessing it from the CPU's features again.
extern double vf_sum_squares_avx512f(const float *x, size_t n) __asm__("vf_sum_squares.avx512f");
extern double vf_sum_squares_avx2(const float *x, size_t n) __asm__("vf_sum_squares.avx2");
extern double vf_sum_squares_default(const float *x, size_t n) __asm__("vf_sum_squares.default");
#endif

const char *vf_kernel_clone(void) {
#if VF_HAVE_CLONES
  double (*volatile resolved)(const float *, size_t) = vf_sum_squares;
  if (resolved == vf_sum_squares_avx512f) return "avx512f";
  if (resolved == vf_sum_squares_avx2) return "avx2";
  if (resolved == vf_sum_squares_default) return "default";
  return "unknown";
#else
  return "single build (no target_clones with this compiler)";
#endif
}
