// The neural generator of the eigenvalue task: the shared seq2seq transformer of `@veriflow/ml/seq2seq`
// (its training loop, decoding and checkpoints), with this task's checkpoint kind. Initialise the engine
// (`initEngine` from `@veriflow/ml/engine`) before use.
export {
  Transformer,
  checkConfig,
  padIds,
  Trainer,
  trainLoop,
  makeBatch,
  shuffledBatches,
  learningRate,
  batchLoss,
  greedyDecode,
  beamSearch,
  sequenceLogProb,
  encodeCheckpoint,
  decodeCheckpoint,
  readCheckpoint,
} from '@veriflow/ml/seq2seq';
export type {
  TransformerConfig,
  NormPlacement,
  NamedVariable,
  Encoded,
  SequencePair,
  Batch,
  OptimizerOptions,
  OptimizerState,
  StepResult,
  TrainLoopOptions,
  TrainLoopResult,
  Hypothesis,
  DecodeOptions,
  CheckpointMeta,
  LoadedCheckpoint,
  ModelKind,
} from '@veriflow/ml/seq2seq';
export { EIGEN_MODEL, MODEL_KIND } from './model-kind.js';
