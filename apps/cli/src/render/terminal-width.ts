/** Lines of output written to a pipe, a file or a CI log are this wide. */
const DEFAULT_WIDTH = 100;
/** Narrower than this no table is readable; a smaller COLUMNS is taken as this. */
const NARROWEST = 40;

/** How wide output to `stream` may be: COLUMNS when set (as shells export it), else the terminal's width, else 100. */
export function terminalWidth(stream: { readonly isTTY?: boolean; readonly columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return Math.max(NARROWEST, fromEnv);
  if (stream.isTTY && stream.columns !== undefined && stream.columns > 0) return Math.max(NARROWEST, stream.columns);
  return DEFAULT_WIDTH;
}
