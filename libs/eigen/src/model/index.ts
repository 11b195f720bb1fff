// The neural generator of the eigenvalue task: a hand-written tfjs transformer, its training loop,
// decoding and checkpoints. Initialise the engine (`initEngine` from `@veriflow/ml/engine`) before use.
export { Transformer, checkConfig, padIds } from './transformer.js';
export type { TransformerConfig, NormPlacement, NamedVariable, Encoded } from './transformer.js';
export { Trainer, trainLoop, makeBatch, shuffledBatches, learningRate, batchLoss } from './train-loop.js';
export type { SequencePair, Batch, OptimizerOptions, OptimizerState, StepResult, TrainLoopOptions, TrainLoopResult } from './train-loop.js';
export { greedyDecode, beamSearch, sequenceLogProb } from './decode.js';
export type { Hypothesis, DecodeOptions } from './decode.js';
export { MODEL_KIND, encodeCheckpoint, decodeCheckpoint, readCheckpoint } from './checkpoint.js';
export type { CheckpointMeta, LoadedCheckpoint } from './checkpoint.js';
