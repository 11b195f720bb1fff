// A corrected gradient for BatchMatMul.
//
// tfjs-core 4.22's BatchMatMul gradient does not sum over broadcast batch dims, so `tf.grad` through
// `tf.matMul(x[B,T,D], w[D,F])` — the way every transformer layer applies its weights — throws
// "The gradient of input 'b' has shape 'B,D,F', which does not match the shape of the input 'D,F'".
// This is the same gradient with the broadcast batch dims summed out, and with the shared-weights case (b has
// one batch, a does not, a not transposed) computed as a single [D, B·T]·[B·T, F] product instead of B products
// and a sum.
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { BatchMatMul, matMul, registerGradient, reshape, sum, util } from '@tensorflow/tfjs-core';

function batchSize(shape: readonly number[]): number {
  return shape.slice(0, -2).reduce((p, d) => p * d, 1);
}

/** Sums g (shape [...broadcast batch, r, c]) over the batch dims that `shape` broadcasts, reshaped to `shape`. */
export function sumToBatchShape(g: Tensor, shape: number[]): Tensor {
  if (util.arraysEqual(g.shape, shape)) return g;
  const outRank = g.shape.length;
  const axes: number[] = [];
  for (let i = 0; i < outRank - 2; i++) {
    const j = i - (outRank - shape.length);
    if (j < 0 || (shape[j] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(axes.length > 0 ? sum(g, axes) : g, shape);
}

export const batchMatMulGradConfig: GradConfig = {
  kernelName: BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const dy = dyIn as Tensor;
    const [a, b] = saved as [Tensor, Tensor];
    const transposeA = Boolean(attrs['transposeA']);
    const transposeB = Boolean(attrs['transposeB']);
    let da: () => Tensor;
    let db: () => Tensor;
    if (!transposeA && !transposeB) {
      da = () => matMul(dy, b, false, true);
      db = () => matMul(a, dy, true, false);
    } else if (!transposeA && transposeB) {
      da = () => matMul(dy, b, false, false);
      db = () => matMul(dy, a, true, false);
    } else if (transposeA && !transposeB) {
      da = () => matMul(b, dy, false, true);
      db = () => matMul(a, dy, false, false);
    } else {
      da = () => matMul(b, dy, true, true);
      db = () => matMul(dy, a, true, true);
    }
    const sharedWeights = !transposeA && batchSize(b.shape) === 1 && batchSize(a.shape) > 1;
    return {
      a: () => sumToBatchShape(da(), a.shape),
      b: sharedWeights
        ? () => {
            const k = a.shape[a.shape.length - 1] as number;
            const n = dy.shape[dy.shape.length - 1] as number;
            const a2 = reshape(a, [-1, k]);
            const dy2 = reshape(dy, [-1, n]);
            return reshape(transposeB ? matMul(dy2, a2, true, false) : matMul(a2, dy2, true, false), b.shape);
          }
        : () => sumToBatchShape(db(), b.shape),
    };
  },
};

/** Replaces the registered BatchMatMul gradient with the corrected one. */
export function registerGradientFixes(): string[] {
  registerGradient(batchMatMulGradConfig);
  return ['BatchMatMul gradient: sums broadcast batch dims (tfjs-core 4.22 does not)'];
}
