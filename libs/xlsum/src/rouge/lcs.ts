/**
 * Longest common subsequences of token-id arrays, as rouge_score/rouge_scorer.py computes them: the
 * length alone in one row of the table (ROUGE-L), and for ROUGE-Lsum the same LCS that its
 * `_backtrack_norec` reads out of the full table (which LCS it picks changes the union, so ties break
 * the same way).
 */

/** Reused between calls: one scorer scores many pairs. */
export class LcsTables {
  private row = new Int32Array(64);
  private table = new Int32Array(64 * 64);

  /** |LCS(a, b)| in O(|a|·|b|) time and O(|b|) memory. */
  length(a: Int32Array, b: Int32Array): number {
    const cols = b.length;
    if (this.row.length < cols + 1) this.row = new Int32Array(Math.max(cols + 1, this.row.length * 2));
    const row = this.row;
    row.fill(0, 0, cols + 1);
    for (let i = 0; i < a.length; i++) {
      const token = a[i]!;
      let diagonal = 0; // table[i][j - 1] before this row overwrote it
      for (let j = 1; j <= cols; j++) {
        const above = row[j]!;
        row[j] = token === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
        diagonal = above;
      }
    }
    return row[cols]!;
  }

  /** Marks in `chosen` (indices into `ref`) the LCS of `ref` and `can` that rouge-score's backtrack picks. */
  markLcs(ref: Int32Array, can: Int32Array, chosen: Uint8Array): void {
    const rows = ref.length;
    const cols = can.length;
    const width = cols + 1;
    const size = (rows + 1) * width;
    if (this.table.length < size) this.table = new Int32Array(Math.max(size, this.table.length * 2));
    const t = this.table;
    t.fill(0, 0, width);
    for (let i = 1; i <= rows; i++) {
      const token = ref[i - 1]!;
      const here = i * width;
      const above = here - width;
      t[here] = 0;
      for (let j = 1; j <= cols; j++) {
        t[here + j] = token === can[j - 1] ? t[above + j - 1]! + 1 : Math.max(t[above + j]!, t[here + j - 1]!);
      }
    }
    let i = rows;
    let j = cols;
    while (i > 0 && j > 0) {
      if (ref[i - 1] === can[j - 1]) {
        chosen[i - 1] = 1;
        i -= 1;
        j -= 1;
      } else if (t[i * width + j - 1]! > t[(i - 1) * width + j]!) {
        j -= 1;
      } else {
        i -= 1;
      }
    }
  }
}
