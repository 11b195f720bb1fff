// The seq2seq model the task libraries share: a hand-written tfjs encoder–decoder transformer, its training
// loop, decoding (greedy, beam, seeded sampling), teacher-forced scoring and checkpoints. Initialise the
// engine (`initEngine` from `@veriflow/ml/engine`) before use.
export { PAD_ID, BOS_ID, EOS_ID, FIRST_FREE_ID } from './special-tokens.js';
export { Transformer, checkConfig, padIds } from './transformer.js';
export type { TransformerConfig, NormPlacement, NamedVariable, Encoded } from './transformer.js';
export { Trainer, trainLoop, makeBatch, shuffledBatches, learningRate, batchLoss } from './train-loop.js';
export type { SequencePair, Batch, OptimizerOptions, OptimizerState, StepResult, TrainLoopOptions, TrainLoopResult } from './train-loop.js';
export { greedyDecode, beamSearch, sequenceLogProb } from './decode.js';
export type { Hypothesis, DecodeOptions } from './decode.js';
export { encodeCheckpoint, decodeCheckpoint, readCheckpoint } from './checkpoint.js';
export type { CheckpointMeta, LoadedCheckpoint, ModelKind } from './checkpoint.js';
export { sampleSequences, drawToken } from './sample.js';
export type { SampledSequence, SampleOptions } from './sample.js';
export { scoreSequences } from './score.js';
export { LossWindow } from './loss-window.js';
export type { MetricLog } from './loss-window.js';
export type { ScoreOptions } from './score.js';
