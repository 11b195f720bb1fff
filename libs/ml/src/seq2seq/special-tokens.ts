/**
 * The ids every seq2seq vocabulary reserves: the model masks PAD keys, the decoder reads BOS first and
 * writes EOS last. A task's vocabulary puts its own tokens from FIRST_FREE_ID on.
 */
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const FIRST_FREE_ID = 3;
