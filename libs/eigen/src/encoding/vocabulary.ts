/**
 * The fixed token vocabulary of the eigenvalue task, shared by the generator (which embeds ids), the
 * verifiers and the evaluator (which decode them). Ids never change within a vocabulary name: a model
 * trained on "p1000/1" ids reads and writes exactly these, so any change means a new name.
 *
 * Layout (id: token):
 *   0 <pad>, 1 <s> (BOS), 2 </s> (EOS), 3 "+", 4 "-",
 *   5..1004      mantissas "0".."999",
 *   1005..1205   exponents "E-100".."E100",
 *   1206..1305   dimensions "V1".."V100" (LAWT's max_encoder_dimension).
 */

export const VOCABULARY_NAME = 'p1000/1';
export const PAD = '<pad>';
export const BOS = '<s>';
export const EOS = '</s>';
export const MAX_EXPONENT = 100;
export const MAX_DIMENSION = 100;

function buildTokens(): readonly string[] {
  const tokens = [PAD, BOS, EOS, '+', '-'];
  for (let m = 0; m < 1000; m++) tokens.push(String(m));
  for (let e = -MAX_EXPONENT; e <= MAX_EXPONENT; e++) tokens.push(`E${e}`);
  for (let d = 1; d <= MAX_DIMENSION; d++) tokens.push(`V${d}`);
  return Object.freeze(tokens);
}

/** Every token, indexed by id. */
export const TOKENS: readonly string[] = buildTokens();
export const VOCABULARY_SIZE = TOKENS.length;
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;

const ids = new Map(TOKENS.map((token, id) => [token, id]));

export function idOf(token: string): number | undefined {
  return ids.get(token);
}

export function tokenOf(id: number): string | undefined {
  return Number.isInteger(id) ? TOKENS[id] : undefined;
}

/** Token strings to ids; throws on an unknown token (use it on sequences this library encoded). */
export function toIds(tokens: readonly string[]): number[] {
  return tokens.map((token, i) => {
    const id = ids.get(token);
    if (id === undefined) throw new RangeError(`token ${i} "${token}" is not in the ${VOCABULARY_NAME} vocabulary`);
    return id;
  });
}

/** Ids to token strings; throws on an id outside the vocabulary. */
export function toTokens(sequence: readonly number[]): string[] {
  return sequence.map((id, i) => {
    const token = tokenOf(id);
    if (token === undefined) throw new RangeError(`token id ${id} at position ${i} is outside the ${VOCABULARY_NAME} vocabulary (0..${VOCABULARY_SIZE - 1})`);
    return token;
  });
}
