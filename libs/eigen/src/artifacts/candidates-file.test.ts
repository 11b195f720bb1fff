import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeVector } from '../encoding/p1000.js';
import { toIds } from '../encoding/vocabulary.js';
import { candidatesHeader, decodeCandidates, encodeCandidates } from './candidates-file.js';

const text = (header: object, ...rows: object[]) => [header, ...rows].map((x) => JSON.stringify(x)).join('\n') + '\n';

describe('candidates file', () => {
  const header = candidatesHeader(2, 3, 2, { model: 'test' });
  const a = { index: 0, candidates: [{ tokens: toIds(encodeVector([3, 1])), score: -0.5 }, { tokens: ['V2', 'V1', '+'], score: -2 }] };
  const b = { index: 1, candidates: [] };

  it('round-trips through JSON Lines: header line, one line per input', () => {
    const bytes = encodeCandidates({ header, inputs: [a, b] });
    const lines = new TextDecoder().decode(bytes).trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[0]!), { format: 'veriflow.eigen.candidates/1', vocabulary: 'p1000/1', dim: 2, beam: 3, count: 2, generator: { model: 'test' } });
    const back = decodeCandidates(new TextDecoder().decode(bytes));
    assert.deepEqual(back.header, header);
    assert.deepEqual(back.inputs, [a, b]);
  });

  it('keeps malformed token sequences: they are data for the verifier', () => {
    const back = decodeCandidates(text(header, a, b));
    assert.deepEqual(back.inputs[0]!.candidates[1]!.tokens, ['V2', 'V1', '+']);
  });

  it('names the line and the field of a file that breaks the format', () => {
    const cases: [string, RegExp][] = [
      ['', /c\.jsonl is empty/],
      [text({ format: 'veriflow.eigen.selection/1' }), /expected a "veriflow.eigen.candidates\/1" file but c\.jsonl is "veriflow.eigen.selection\/1"/],
      [text({ ...header, vocabulary: 'p10/1' }, a, b), /c\.jsonl:1: vocabulary "p10\/1" is not supported/],
      [text({ ...header, beam: 0 }, a, b), /c\.jsonl:1: header "beam" must be a positive integer, found 0/],
      [text(header, a), /header says 2 inputs but the file has 1 lines/],
      [text(header, a, { ...b, index: 0 }), /c\.jsonl:3: input 0 already appears on line 2/],
      [text(header, a, { index: -1, candidates: [] }), /c\.jsonl:3: "index" must be a non-negative integer, found -1/],
      [text(header, a, { index: 1 }), /c\.jsonl:3: "candidates" must be an array/],
      [text({ ...header, beam: 1 }, a, b), /c\.jsonl:2: 2 candidates, more than the header's beam of 1/],
      [text(header, a, { index: 1, candidates: [{ tokens: [1, null], score: 0 }] }), /candidate 0: "tokens" must be an array of token ids or strings/],
      [text(header, a, { index: 1, candidates: [{ tokens: [], score: null }] }), /candidate 0: "score" must be a finite number/],
      [`${JSON.stringify(header)}\n{oops\n`, /c\.jsonl:2: not a JSON object/],
    ];
    for (const [content, message] of cases) assert.throws(() => decodeCandidates(content, 'c.jsonl'), message);
  });
});
