// Fused training kernels (see kernels.h). Each replaces a chain of small tfjs kernels whose fixed cost per
// call was most of a training step; the loops are written so GCC vectorises them, and the hot ones are built
// for AVX-512, AVX2 and baseline x86-64, picked at load time by CPU feature (target_clones; not by "arch=",
// which matches CPU models, and our virtual CPUs report none), so one build runs everywhere.
#include "kernels.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VF_HAVE_CLONES 1
#define VF_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VF_HAVE_CLONES 0
#define VF_CLONES
#endif

static const float NEG_MASK = -1e9f;

// --- splitting a kernel over the pool's threads (pool.h) ------------------------------------------------------
// Every kernel splits only along outputs that are computed independently (rows of a product, columns of a
// column sum, (batch, head) pairs), never along a sum, and the per-part code is the serial code on a sub-range:
// every value is computed in the same order whatever the thread count, so results do not depend on it.

// Below this many multiply-adds (or element updates) a kernel runs on the caller alone: waking a worker costs
// a few microseconds.
static const double MIN_PARALLEL_WORK = 1 << 16;
// Rows per part are a multiple of this (OpenBLAS's sgemm kernels work on 16 rows at a time on AVX-512).
enum { ROW_ALIGN = 16 };

typedef struct {
  size_t begin, end;
} range;

// Part i of `parts` near-equal pieces of [0, n), each a multiple of `align` long except the last.
static range part_range(size_t n, size_t parts, size_t i, size_t align) {
  size_t chunk = (n + parts - 1) / parts;
  chunk = (chunk + align - 1) / align * align;
  range r = {i * chunk < n ? i * chunk : n, 0};
  r.end = r.begin + chunk < n ? r.begin + chunk : n;
  return r;
}

// How many parts to split `units` independent pieces of `work` in total into.
static size_t parts_for(double work, size_t units) {
  const size_t threads = (size_t)vf_pool_threads();
  if (threads <= 1 || work < MIN_PARALLEL_WORK) return 1;
  return threads < units ? threads : units;
}

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


// Parts one after another on the caller, or on the pool when `parallel`.
static void run_parts(size_t parts, bool parallel, vf_part_fn part, void *context) {
  if (parallel) {
    vf_parallel(parts, part, context);
    return;
  }
  for (size_t i = 0; i < parts; i++) part(context, i);
}

VF_CLONES static void layer_norm_forward_rows(const float *x, const float *residual, const float *gamma,
                                              const float *beta, float epsilon, range rows, size_t dim, float *y,
                                              float *xhat, float *rstd) {
  const float inv_dim = 1.0f / (float)dim;
  for (size_t r = rows.begin; r < rows.end; r++) {
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

typedef struct {
  const float *x, *residual, *gamma, *beta, *dy, *xhat, *rstd;
  float epsilon, *y, *xhat_out, *rstd_out, *dx, *dgamma, *dbeta;
  size_t rows, dim, parts;
} layer_norm_job;

static void layer_norm_forward_part(void *context, size_t i) {
  const layer_norm_job *j = context;
  layer_norm_forward_rows(j->x, j->residual, j->gamma, j->beta, j->epsilon, part_range(j->rows, j->parts, i, 1), j->dim,
                          j->y, j->xhat_out, j->rstd_out);
}

void vf_layer_norm_forward(const float *x, const float *residual, const float *gamma, const float *beta, float epsilon,
                           size_t rows, size_t dim, float *y, float *xhat, float *rstd) {
  layer_norm_job j = {.x = x, .residual = residual, .gamma = gamma, .beta = beta, .epsilon = epsilon, .y = y,
                      .xhat_out = xhat, .rstd_out = rstd, .rows = rows, .dim = dim};
  j.parts = parts_for(8.0 * (double)rows * (double)dim, rows);
  vf_parallel(j.parts, layer_norm_forward_part, &j);
}

// dx for a range of rows; dγ and dβ, sums over all rows, are columns_part's.
VF_CLONES static void layer_norm_backward_rows(const float *dy, const float *xhat, const float *rstd,
                                               const float *gamma, range rows, size_t dim, float *dx) {
  const float inv_dim = 1.0f / (float)dim;
  for (size_t r = rows.begin; r < rows.end; r++) {
    const float *dyr = dy + r * dim;
    const float *hr = xhat + r * dim;
    float *dxr = dx + r * dim;
    // dx̂ goes to dx first, then becomes dx in place.
    for (size_t j = 0; j < dim; j++) dxr[j] = dyr[j] * gamma[j];
    const float a = sum_f32(dxr, dim) * inv_dim, c = dot_f32(dxr, hr, dim) * inv_dim;
    const float inv = rstd[r];
    for (size_t j = 0; j < dim; j++) dxr[j] = (dxr[j] - a - hr[j] * c) * inv;
  }
}

// dγ = Σ dy·x̂ and dβ = Σ dy over all rows, in row order, for a range of columns.
VF_CLONES static void layer_norm_backward_columns(const float *dy, const float *xhat, size_t rows, size_t dim,
                                                  range columns, float *dgamma, float *dbeta) {
  const size_t width = columns.end - columns.begin;
  memset(dgamma + columns.begin, 0, width * sizeof *dgamma);
  memset(dbeta + columns.begin, 0, width * sizeof *dbeta);
  for (size_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * dim, *hr = xhat + r * dim;
    for (size_t j = columns.begin; j < columns.end; j++) {
      dgamma[j] += dyr[j] * hr[j];
      dbeta[j] += dyr[j];
    }
  }
}

static void layer_norm_backward_part(void *context, size_t i) {
  const layer_norm_job *j = context;
  layer_norm_backward_rows(j->dy, j->xhat, j->rstd, j->gamma, part_range(j->rows, j->parts, i, 1), j->dim, j->dx);
  layer_norm_backward_columns(j->dy, j->xhat, j->rows, j->dim, part_range(j->dim, j->parts, i, ROW_ALIGN), j->dgamma,
                              j->dbeta);
}

void vf_layer_norm_backward(const float *dy, const float *xhat, const float *rstd, const float *gamma, size_t rows,
                            size_t dim, float *dx, float *dgamma, float *dbeta) {
  layer_norm_job j = {.dy = dy, .xhat = xhat, .rstd = rstd, .gamma = gamma, .dx = dx, .dgamma = dgamma, .dbeta = dbeta,
                      .rows = rows, .dim = dim};
  // dγ and dβ are split by columns: at most one part per ROW_ALIGN of them, so that none is left empty.
  const size_t column_parts = (dim + ROW_ALIGN - 1) / ROW_ALIGN;
  j.parts = parts_for(10.0 * (double)rows * (double)dim, rows < column_parts ? rows : column_parts);
  vf_parallel(j.parts, layer_norm_backward_part, &j);
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

typedef struct {
  const float *logits, *weights, *probs_in;
  const int32_t *targets;
  float scale, *probs, *dlogits;
  double *row_loss; // log pᵢ[tᵢ] per row, summed in row order afterwards
  size_t rows, vocab, parts;
} xent_job;

VF_CLONES static void softmax_xent_forward_rows(const xent_job *j, range rows) {
  for (size_t r = rows.begin; r < rows.end; r++) {
    const float *row = j->logits + r * j->vocab;
    float max;
    const float log_sum = softmax_row(row, j->vocab, j->probs + r * j->vocab, &max);
    j->row_loss[r] = (double)(row[j->targets[r]] - max) - log_sum;
  }
}

static void softmax_xent_forward_part(void *context, size_t i) {
  const xent_job *j = context;
  softmax_xent_forward_rows(j, part_range(j->rows, j->parts, i, 1));
}

double vf_softmax_xent_forward(const float *logits, const int32_t *targets, const float *weights, size_t rows,
                               size_t vocab, float *probs) {
  xent_job j = {.logits = logits, .weights = weights, .targets = targets, .probs = probs, .rows = rows, .vocab = vocab};
  j.row_loss = malloc(rows * sizeof *j.row_loss);
  if (j.row_loss == NULL) return NAN;
  j.parts = parts_for(20.0 * (double)rows * (double)vocab, rows);
  vf_parallel(j.parts, softmax_xent_forward_part, &j);
  double total = 0, count = 0;
  for (size_t r = 0; r < rows; r++) {
    const double w = weights[r];
    count += w;
    if (w != 0) total += w * j.row_loss[r];
  }
  free(j.row_loss);
  return -total / (count > 1e-30 ? count : 1e-30);
}

VF_CLONES static void softmax_xent_backward_rows(const xent_job *j, range rows) {
  for (size_t r = rows.begin; r < rows.end; r++) {
    const float s = j->weights[r] * j->scale;
    const float *pr = j->probs_in + r * j->vocab;
    float *dr = j->dlogits + r * j->vocab;
    for (size_t c = 0; c < j->vocab; c++) dr[c] = pr[c] * s;
    dr[j->targets[r]] -= s;
  }
}

static void softmax_xent_backward_part(void *context, size_t i) {
  const xent_job *j = context;
  softmax_xent_backward_rows(j, part_range(j->rows, j->parts, i, 1));
}

void vf_softmax_xent_backward(const float *probs, const int32_t *targets, const float *weights, float scale, size_t rows,
                              size_t vocab, float *dlogits) {
  xent_job j = {.probs_in = probs, .targets = targets, .weights = weights, .scale = scale, .dlogits = dlogits,
                .rows = rows, .vocab = vocab};
  j.parts = parts_for(2.0 * (double)rows * (double)vocab, rows);
  vf_parallel(j.parts, softmax_xent_backward_part, &j);
}

// P (lq × lk, already scale·QKᵀ) += masks, then softmax per row.
VF_CLONES static void mask_softmax(float *p, const float *key_mask, int causal, size_t lq, size_t lk) {
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

// dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place in dP.
VF_CLONES static void softmax_backward(float *dp, const float *p, size_t lq, size_t lk) {
  for (size_t i = 0; i < lq; i++) {
    float *d = dp + i * lk;
    const float *pr = p + i * lk;
    const float dot = dot_f32(d, pr, lk);
    for (size_t j = 0; j < lk; j++) d[j] = pr[j] * (d[j] - dot);
  }
}

// One (batch, head) pair per part: each reads its strided slices and writes its own.
typedef struct {
  vf_sgemm_fn sgemm;
  const float *q, *k, *v, *key_mask, *dout, *probs_in;
  int causal;
  size_t heads, lq, lk, dh;
  float scale, *probs, *out, *dq, *dk, *dv;
  atomic_int failed;
} attention_job;

static void attention_forward_part(void *context, size_t i) {
  attention_job *j = context;
  const size_t b = i / j->heads, h = i % j->heads, lq = j->lq, lk = j->lk, dh = j->dh;
  const int ld = (int)(j->heads * dh);
  float *p = j->probs + i * lq * lk;
  const size_t qo = b * lq * ld + h * dh, ko = b * lk * ld + h * dh;
  j->sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_TRANS, (int)lq, (int)lk, (int)dh, j->scale, j->q + qo, ld, j->k + ko, ld, 0.0f,
           p, (int)lk);
  mask_softmax(p, j->key_mask != NULL ? j->key_mask + b * lk : NULL, j->causal, lq, lk);
  j->sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_NO_TRANS, (int)lq, (int)dh, (int)lk, 1.0f, p, (int)lk, j->v + ko, ld, 0.0f,
           j->out + qo, ld);
}

int vf_attention_forward(vf_sgemm_fn sgemm, const float *q, const float *k, const float *v, const float *key_mask,
                         int causal, size_t batch, size_t heads, size_t lq, size_t lk, size_t dh, float scale, float *probs,
                         float *out) {
  attention_job j = {.sgemm = sgemm, .q = q, .k = k, .v = v, .key_mask = key_mask, .causal = causal, .heads = heads,
                     .lq = lq, .lk = lk, .dh = dh, .scale = scale, .probs = probs, .out = out};
  const size_t pairs = batch * heads;
  run_parts(pairs, parts_for(2.0 * (double)pairs * (double)(lq * lk * dh), pairs) > 1, attention_forward_part, &j);
  return 0;
}

static void attention_backward_part(void *context, size_t i) {
  attention_job *j = context;
  const size_t b = i / j->heads, h = i % j->heads, lq = j->lq, lk = j->lk, dh = j->dh;
  const int ld = (int)(j->heads * dh);
  float *ds = malloc(lq * lk * sizeof *ds);
  if (ds == NULL) {
    atomic_store(&j->failed, 1);
    return;
  }
  const float *p = j->probs_in + i * lq * lk;
  const size_t qo = b * lq * ld + h * dh, ko = b * lk * ld + h * dh;
  // dP = dO·Vᵀ, dV = Pᵀ·dO, then dS, dQ = scale·dS·K, dK = scale·dSᵀ·Q.
  j->sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_TRANS, (int)lq, (int)lk, (int)dh, 1.0f, j->dout + qo, ld, j->v + ko, ld, 0.0f, ds,
           (int)lk);
  j->sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, (int)lk, (int)dh, (int)lq, 1.0f, p, (int)lk, j->dout + qo, ld, 0.0f,
           j->dv + ko, ld);
  softmax_backward(ds, p, lq, lk);
  j->sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_NO_TRANS, (int)lq, (int)dh, (int)lk, j->scale, ds, (int)lk, j->k + ko, ld, 0.0f,
           j->dq + qo, ld);
  j->sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, (int)lk, (int)dh, (int)lq, j->scale, ds, (int)lk, j->q + qo, ld, 0.0f,
           j->dk + ko, ld);
  free(ds);
}

int vf_attention_backward(vf_sgemm_fn sgemm, const float *dout, const float *q, const float *k, const float *v,
                          const float *probs, size_t batch, size_t heads, size_t lq, size_t lk, size_t dh, float scale,
                          float *dq, float *dk, float *dv) {
  attention_job j = {.sgemm = sgemm, .dout = dout, .q = q, .k = k, .v = v, .probs_in = probs, .heads = heads, .lq = lq,
                     .lk = lk, .dh = dh, .scale = scale, .dq = dq, .dk = dk, .dv = dv};
  atomic_init(&j.failed, 0);
  const size_t pairs = batch * heads;
  run_parts(pairs, parts_for(4.0 * (double)pairs * (double)(lq * lk * dh), pairs) > 1, attention_backward_part, &j);
  return atomic_load(&j.failed) ? -1 : 0;
}

typedef struct {
  vf_sgemm_fn sgemm;
  const float *x, *w, *b, *dy, *y;
  size_t rows, in, out;
  int transpose_w, relu;
  float *y_out, *masked, *dx, *dw, *db;
  size_t parts;
} dense_job;

VF_CLONES static void bias_activation_rows(float *out, range rows, size_t n, const float *bias, int relu) {
  for (size_t r = rows.begin; r < rows.end; r++) {
    float *row = out + r * n;
    if (bias != NULL)
      for (size_t j = 0; j < n; j++) row[j] += bias[j];
    if (relu)
      for (size_t j = 0; j < n; j++) row[j] = row[j] > 0 ? row[j] : 0;
  }
}

// y rows = x rows·W + b (relu): the product and its epilogue for a block of rows, while they are in cache.
static void dense_forward_part(void *context, size_t i) {
  const dense_job *j = context;
  const range r = part_range(j->rows, j->parts, i, ROW_ALIGN);
  if (r.begin == r.end) return;
  j->sgemm(VF_ROW_MAJOR, VF_NO_TRANS, j->transpose_w ? VF_TRANS : VF_NO_TRANS, (int)(r.end - r.begin), (int)j->out,
           (int)j->in, 1.0f, j->x + r.begin * j->in, (int)j->in, j->w, j->transpose_w ? (int)j->in : (int)j->out, 0.0f,
           j->y_out + r.begin * j->out, (int)j->out);
  bias_activation_rows(j->y_out, r, j->out, j->b, j->relu);
}

void vf_dense_forward(vf_sgemm_fn sgemm, const float *x, const float *w, const float *b, size_t rows, size_t in, size_t out,
                      int transpose_w, int relu, float *y) {
  dense_job j = {.sgemm = sgemm, .x = x, .w = w, .b = b, .rows = rows, .in = in, .out = out, .transpose_w = transpose_w,
                 .relu = relu, .y_out = y};
  j.parts = parts_for((double)rows * (double)in * (double)out, (rows + ROW_ALIGN - 1) / ROW_ALIGN);
  run_parts(j.parts, j.parts > 1, dense_forward_part, &j);
}

// g = dy ⊙ [y > 0] for a block of rows (into `masked`).
VF_CLONES static void relu_mask_rows(const float *dy, const float *y, range rows, size_t out, float *masked) {
  for (size_t r = rows.begin; r < rows.end; r++) {
    const float *gr = dy + r * out, *yr = y + r * out;
    float *mr = masked + r * out;
    for (size_t c = 0; c < out; c++) mr[c] = yr[c] > 0 ? gr[c] : 0;
  }
}

// db = column sums of g over all rows, in row order, for a range of columns.
VF_CLONES static void column_sums(const float *g, size_t rows, size_t out, range columns, float *db) {
  memset(db + columns.begin, 0, (columns.end - columns.begin) * sizeof *db);
  for (size_t r = 0; r < rows; r++) {
    const float *gr = g + r * out;
    for (size_t c = columns.begin; c < columns.end; c++) db[c] += gr[c];
  }
}

static const float *dense_gradient(const dense_job *j) { return j->y != NULL ? j->masked : j->dy; }

// First pass, by rows: the relu mask, then dx = g·Wᵀ (g·W with transpose_w) for those rows.
static void dense_backward_rows_part(void *context, size_t i) {
  const dense_job *j = context;
  const range r = part_range(j->rows, j->parts, i, ROW_ALIGN);
  if (r.begin == r.end) return;
  if (j->y != NULL) relu_mask_rows(j->dy, j->y, r, j->out, j->masked);
  const float *g = dense_gradient(j) + r.begin * j->out;
  const int m = (int)(r.end - r.begin), in = (int)j->in, out = (int)j->out;
  if (j->transpose_w) j->sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_NO_TRANS, m, in, out, 1.0f, g, out, j->w, in, 0.0f, j->dx + r.begin * j->in, in);
  else j->sgemm(VF_ROW_MAJOR, VF_NO_TRANS, VF_TRANS, m, in, out, 1.0f, g, out, j->w, out, 0.0f, j->dx + r.begin * j->in, in);
}

// Second pass, sums over all rows: dW by its rows (xᵀ·g, or gᵀ·x with transpose_w) and db by columns.
static void dense_backward_sums_part(void *context, size_t i) {
  const dense_job *j = context;
  const float *g = dense_gradient(j);
  const int rows = (int)j->rows, in = (int)j->in, out = (int)j->out;
  const range wr = part_range(j->transpose_w ? j->out : j->in, j->parts, i, ROW_ALIGN);
  if (wr.begin < wr.end) {
    const int m = (int)(wr.end - wr.begin);
    if (j->transpose_w) j->sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, m, in, rows, 1.0f, g + wr.begin, out, j->x, in, 0.0f, j->dw + wr.begin * j->in, in);
    else j->sgemm(VF_ROW_MAJOR, VF_TRANS, VF_NO_TRANS, m, out, rows, 1.0f, j->x + wr.begin, in, g, out, 0.0f, j->dw + wr.begin * j->out, out);
  }
  const range columns = part_range(j->out, j->parts, i, ROW_ALIGN);
  if (columns.begin < columns.end) column_sums(g, j->rows, j->out, columns, j->db);
}

int vf_dense_backward(vf_sgemm_fn sgemm, const float *dy, const float *x, const float *w, const float *y, size_t rows,
                      size_t in, size_t out, int transpose_w, float *dx, float *dw, float *db) {
  dense_job j = {.sgemm = sgemm, .dy = dy, .x = x, .w = w, .y = y, .rows = rows, .in = in, .out = out,
                 .transpose_w = transpose_w, .dx = dx, .dw = dw, .db = db};
  if (y != NULL) {
    j.masked = malloc(rows * out * sizeof *j.masked);
    if (j.masked == NULL) return -1;
  }
  const size_t w_rows = transpose_w ? out : in;
  const size_t smallest = rows < w_rows ? rows : w_rows;
  j.parts = parts_for((double)rows * (double)in * (double)out, (smallest + ROW_ALIGN - 1) / ROW_ALIGN);
  run_parts(j.parts, j.parts > 1, dense_backward_rows_part, &j);
  run_parts(j.parts, j.parts > 1, dense_backward_sums_part, &j);
  free(j.masked);
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

typedef struct {
  float *out;
  const float *bias;
  size_t rows, n, parts;
  int relu;
} bias_job;

static void bias_activation_part(void *context, size_t i) {
  const bias_job *j = context;
  bias_activation_rows(j->out, part_range(j->rows, j->parts, i, 1), j->n, j->bias, j->relu);
}

void vf_bias_activation(float *out, size_t rows, size_t n, const float *bias, int relu) {
  bias_job j = {.out = out, .bias = bias, .rows = rows, .n = n, .relu = relu};
  j.parts = parts_for(2.0 * (double)rows * (double)n, rows);
  run_parts(j.parts, j.parts > 1, bias_activation_part, &j);
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

typedef struct {
  vf_sgemm_fn sgemm;
  int trans_a, trans_b, lda, ldb, ldc;
  size_t m, n, k, parts;
  const float *a, *b;
  float *c;
} gemm_job;

static void gemm_rows_part(void *context, size_t i) {
  const gemm_job *j = context;
  const range r = part_range(j->m, j->parts, i, ROW_ALIGN);
  if (r.begin == r.end) return;
  // Row i of op(A) is row i of A, or its column i when transposed.
  const float *a = j->a + (j->trans_a ? r.begin : r.begin * (size_t)j->lda);
  j->sgemm(VF_ROW_MAJOR, j->trans_a ? VF_TRANS : VF_NO_TRANS, j->trans_b ? VF_TRANS : VF_NO_TRANS, (int)(r.end - r.begin),
           (int)j->n, (int)j->k, 1.0f, a, j->lda, j->b, j->ldb, 0.0f, j->c + r.begin * (size_t)j->ldc, j->ldc);
}

void vf_sgemm_rows(vf_sgemm_fn sgemm, int trans_a, int trans_b, size_t m, size_t n, size_t k, const float *a, int lda,
                   const float *b, int ldb, float *c, int ldc) {
  gemm_job j = {.sgemm = sgemm, .trans_a = trans_a, .trans_b = trans_b, .lda = lda, .ldb = ldb, .ldc = ldc, .m = m,
                .n = n, .k = k, .a = a, .b = b, .c = c};
  j.parts = parts_for((double)m * (double)n * (double)k, (m + ROW_ALIGN - 1) / ROW_ALIGN);
  run_parts(j.parts, j.parts > 1, gemm_rows_part, &j);
}
