// The token language of the eigenvalue task: LAWT's P1000 numbers and the fixed vocabulary the generator uses.
export {
  encodeNumber,
  encodeMatrix,
  encodeVector,
  encodedLength,
  decodeMatrix,
  decodeVector,
  numberValue,
  roundP1000,
} from './p1000.js';
export type { DecodedMatrix, Sequence } from './p1000.js';
export {
  VOCABULARY_NAME,
  VOCABULARY_SIZE,
  TOKENS,
  PAD,
  BOS,
  EOS,
  PAD_ID,
  BOS_ID,
  EOS_ID,
  MAX_EXPONENT,
  MAX_DIMENSION,
  idOf,
  tokenOf,
  toIds,
  toTokens,
} from './vocabulary.js';
