import type { ModelKind } from '@veriflow/ml/seq2seq';

/** The kind eigen/train's checkpoints carry (unchanged since the model lived in this library). */
export const MODEL_KIND = 'veriflow.eigen.model/1';
export const EIGEN_MODEL: ModelKind = { kind: MODEL_KIND, producer: 'eigen/train' };
