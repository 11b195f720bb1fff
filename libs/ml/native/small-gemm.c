// See small-gemm.h. OpenBLAS packs both operands before every product, and this model's products are small
// and thin ([1232, 64]·[64, 64] per thread, 77×77×32 per attention head), so packing and its per-call set-up
// are a large share of their time. This kernel packs nothing: a tile of C (MR rows × NV vectors) stays in
// registers while k runs, each step broadcasting MR values of A and loading NV vectors of one row of B.
#include "small-gemm.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "openblas.h"

// Each C value is one sum over k in order (a fused multiply-add per step), whatever the tiling or the rows a
// thread was given: results do not depend on the thread count.
#define VF_SMALL_GEMM(NAME, TARGET, FMA, WIDTH, MR, NV)                                                                  \
  typedef float NAME##_vec __attribute__((vector_size(WIDTH * sizeof(float))));                                     \
  /* C[mr rows, nv·WIDTH columns] = alpha·A·B; A(r, p) = a[r·a_row + p·a_k]; B row-major with row stride ldb. */    \
  __attribute__((target(TARGET), always_inline)) static inline void NAME##_tile(                                    \
      size_t mr, size_t nv, size_t k, float alpha, const float *a, size_t a_row, size_t a_k, const float *b,       \
      size_t ldb, float *c, size_t ldc) {                                                                           \
    NAME##_vec acc[MR][NV];                                                                                         \
    for (size_t r = 0; r < mr; r++)                                                                                 \
      for (size_t q = 0; q < nv; q++) acc[r][q] = (NAME##_vec){0};                                                  \
    for (size_t p = 0; p < k; p++) {                                                                                \
      NAME##_vec bv[NV];                                                                                            \
      for (size_t q = 0; q < nv; q++) memcpy(&bv[q], b + p * ldb + q * WIDTH, sizeof bv[q]);                        \
      for (size_t r = 0; r < mr; r++) {                                                                             \
        const float av = a[r * a_row + p * a_k];                                                                    \
        for (size_t q = 0; q < nv; q++) acc[r][q] = FMA(av, bv[q], acc[r][q]);                                      \
      }                                                                                                             \
    }                                                                                                               \
    for (size_t r = 0; r < mr; r++)                                                                                 \
      for (size_t q = 0; q < nv; q++) {                                                                             \
        const NAME##_vec out = acc[r][q] * alpha;                                                                   \
        memcpy(c + r * ldc + q * WIDTH, &out, sizeof out);                                                          \
      }                                                                                                             \
  }                                                                                                                 \
  /* The tile with constant sizes, so that the compiler keeps it in registers: full tiles, then the edges. */      \
  __attribute__((target(TARGET))) static void NAME##_rows(size_t mr, size_t nv, size_t k, float alpha,             \
                                                          const float *a, size_t a_row, size_t a_k, const float *b, \
                                                          size_t ldb, float *c, size_t ldc) {                       \
    if (mr == MR && nv == NV) return NAME##_tile(MR, NV, k, alpha, a, a_row, a_k, b, ldb, c, ldc);                  \
    if (mr == MR) {                                                                                                 \
      for (size_t q = 0; q < nv; q++) NAME##_tile(MR, 1, k, alpha, a, a_row, a_k, b + q * WIDTH, ldb, c + q * WIDTH, ldc); \
      return;                                                                                                       \
    }                                                                                                               \
    for (size_t r = 0; r < mr; r++) {                                                                               \
      const float *ar = a + r * a_row;                                                                              \
      float *cr = c + r * ldc;                                                                                      \
      if (nv == NV) NAME##_tile(1, NV, k, alpha, ar, a_row, a_k, b, ldb, cr, ldc);                                  \
      else                                                                                                          \
        for (size_t q = 0; q < nv; q++) NAME##_tile(1, 1, k, alpha, ar, a_row, a_k, b + q * WIDTH, ldb, cr + q * WIDTH, ldc); \
    }                                                                                                               \
  }                                                                                                                 \
  __attribute__((target(TARGET))) static void NAME(size_t m, size_t n, size_t k, float alpha, const float *a,      \
                                                   size_t a_row, size_t a_k, const float *b, size_t ldb, float *c, \
                                                   size_t ldc) {                                                    \
    /* n is a multiple of WIDTH here (small_gemm pads B and C otherwise). */                                      \
    const size_t vectors = n / WIDTH;                                                                               \
    for (size_t j = 0; j < vectors; j += NV) {                                                                      \
      const size_t nv = vectors - j < NV ? vectors - j : NV;                                                        \
      for (size_t i = 0; i < m; i += MR)                                                                            \
        NAME##_rows(m - i < MR ? m - i : MR, nv, k, alpha, a + i * a_row, a_row, a_k, b + j * WIDTH, ldb,          \
                    c + i * ldc + j * WIDTH, ldc);                                                                  \
    }                                                                                                               \
  }

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// 6×64 on AVX-512 (24 of its 32 registers), 6×16 on AVX2 (12 of 16).
#include <immintrin.h>
// The build flags (-std=c11) turn off contracting a·b + c into one instruction, so the tiles ask for it.
#define FMA_AVX512(a, b, c) _mm512_fmadd_ps(_mm512_set1_ps(a), b, c)
#define FMA_AVX2(a, b, c) _mm256_fmadd_ps(_mm256_set1_ps(a), b, c)
VF_SMALL_GEMM(gemm_avx512, "avx512f", FMA_AVX512, 16, 6, 4)
VF_SMALL_GEMM(gemm_avx2, "avx2,fma", FMA_AVX2, 8, 6, 2)
#define VF_SMALL_GEMM_BUILT 1
#else
#define VF_SMALL_GEMM_BUILT 0
#endif

typedef void (*gemm_fn)(size_t m, size_t n, size_t k, float alpha, const float *a, size_t a_row, size_t a_k,
                        const float *b, size_t ldb, float *c, size_t ldc);

static gemm_fn chosen;
static size_t chosen_width;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static void choose(void) {
  // VERIFLOW_SMALL_GEMM=off leaves every product to OpenBLAS (to compare the two on one build).
  const char *setting = getenv("VERIFLOW_SMALL_GEMM");
  if (setting != NULL && strcmp(setting, "off") == 0) return;
#if VF_SMALL_GEMM_BUILT
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    chosen = gemm_avx512;
    chosen_width = 16;
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    chosen = gemm_avx2;
    chosen_width = 8;
  }
#endif
}

const char *vf_small_gemm_build(void) {
  pthread_once(&chosen_once, choose);
  return chosen_width == 16 ? "avx512f" : chosen_width == 8 ? "avx2" : NULL;
}

// Which products this kernel takes, by the shape of B alone: never by m, which is what the pool's threads split,
// so that every part of a product runs the same code whatever the thread count (results stay bit for bit the
// same). Measured against OpenBLAS 0.3.34 on one thread (SkylakeX kernels; bench/README, "Transformer
// training"): 1.1–1.6× faster on the dense layers' x·W and g·Wᵀ ([1232, 64]·[64, 64], [1232, 64]·[64, 256] and
// the like); slower when B is a large transposed matrix (the copy), when B leaves the L2 cache (every tile of C
// streams all of B again), and for a weight gradient xᵀ·g over thousands of rows (likewise).
static const size_t MAX_B = 256 * 1024, MAX_TRANSPOSED_B = 64 * 256, MAX_TRANSPOSED_A_K = 1024;

static bool takes(int trans_a, int trans_b, size_t n, size_t k) {
  return n * k <= MAX_B && (!trans_b || n * k <= MAX_TRANSPOSED_B) && (!trans_a || k <= MAX_TRANSPOSED_A_K);
}

int vf_small_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                  const float *b, size_t ldb, float *c, size_t ldc) {
  if (vf_small_gemm_build() == NULL || !takes(trans_a, trans_b, n, k)) return -1;
  const size_t width = chosen_width, padded = (n + width - 1) / width * width;
  const size_t a_row = trans_a ? 1 : lda, a_k = trans_a ? lda : 1;
  // B must be row-major [k, padded]: transposed or ragged ones are copied (zero-padded) into scratch first.
  float *scratch_b = NULL, *scratch_c = NULL;
  if (trans_b || padded != n) {
    scratch_b = malloc(k * padded * sizeof *scratch_b);
    if (scratch_b == NULL) return -1;
    for (size_t p = 0; p < k; p++) {
      float *row = scratch_b + p * padded;
      if (trans_b)
        for (size_t j = 0; j < n; j++) row[j] = b[j * ldb + p];
      else
        memcpy(row, b + p * ldb, n * sizeof *row);
      memset(row + n, 0, (padded - n) * sizeof *row);
    }
    b = scratch_b;
    ldb = padded;
  }
  float *out = c;
  size_t ldo = ldc;
  if (padded != n) {
    scratch_c = malloc(m * padded * sizeof *scratch_c);
    if (scratch_c == NULL) {
      free(scratch_b);
      return -1;
    }
    out = scratch_c;
    ldo = padded;
  }
  chosen(m, padded, k, alpha, a, a_row, a_k, b, ldb, out, ldo);
  if (scratch_c != NULL)
    for (size_t i = 0; i < m; i++) memcpy(c + i * ldc, scratch_c + i * padded, n * sizeof *c);
  free(scratch_b);
  free(scratch_c);
  return 0;
}

void vf_sgemm_small_first(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                          const float *b, int ldb, float beta, float *c, int ldc) {
  if (order == VF_ROW_MAJOR && beta == 0.0f &&
      vf_small_gemm(trans_a == VF_TRANS, trans_b == VF_TRANS, (size_t)m, (size_t)n, (size_t)k, alpha, a, (size_t)lda, b,
                    (size_t)ldb, c, (size_t)ldc) == 0)
    return;
  vf_openblas_sgemm()(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
