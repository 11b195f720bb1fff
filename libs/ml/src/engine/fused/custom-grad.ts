// tf.customGrad for the fused ops. tfjs types the function's parameters as `(Tensor | GradSaveFunc)[]`; ours
// name them (the tensors, then `save`), which that type does not admit without a cast: the cast lives here.
import * as tf from '@tensorflow/tfjs-core';

export interface WithGradient {
  readonly value: tf.Tensor;
  readonly gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

export function customGrad(f: (...args: never[]) => WithGradient): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (...inputs: tf.Tensor[]) => tf.Tensor;
}
