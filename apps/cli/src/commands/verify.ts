import { verifyStore, Workspace } from '@veriflow/runner';
import type { DamagedObject, StoreReport } from '@veriflow/runner';
import type { RunArgs } from '../args.js';

const MAX_USERS_SHOWN = 5;

function usedBy(object: DamagedObject): string {
  if (object.usedBy.length === 0) return 'used by no record';
  const shown = object.usedBy.slice(0, MAX_USERS_SHOWN).map((user) => `${user.name} (output ${user.output})`);
  const more = object.usedBy.length > MAX_USERS_SHOWN ? ` and ${object.usedBy.length - MAX_USERS_SHOWN} more` : '';
  return `used by ${shown.join(', ')}${more}`;
}

/** The report in lines: each damaged thing, what it affects, and what to do. */
export function renderStoreReport(report: StoreReport, stateDir: string, repair: boolean): string {
  const lines = [`re-hashed ${report.objects} object(s) and read ${report.records} cache record(s) in ${stateDir}`];
  for (const object of report.corrupt) {
    const fate = object.removed ? 'removed; the next run recomputes it' : 'served as cached until removed';
    lines.push(`corrupt object ${object.digest}: ${object.problem ?? 'damaged'}; ${usedBy(object)}; ${fate}`);
  }
  for (const object of report.missing) lines.push(`missing object ${object.digest}: ${usedBy(object)}; the next run recomputes it`);
  for (const record of report.corruptRecords) lines.push(`unreadable record ${record.key}: ${record.problem}${record.removed ? '; removed' : ''}`);
  if (report.orphaned.length > 0) lines.push(`${report.orphaned.length} object(s) no cache record uses (harmless: left by --force or changed inputs)`);
  const damage = report.corrupt.length + report.missing.length + report.corruptRecords.length;
  if (damage === 0) lines.push('✓ the store is intact');
  else if (repair) lines.push(`repaired: ${report.corrupt.length} corrupt object(s) and ${report.corruptRecords.length} unreadable record(s) removed; run the workflow to recompute what they held`);
  else lines.push(`✗ ${damage} problem(s) found; \`veriflow verify --repair\` removes corrupt objects and unreadable records so the next run recomputes them`);
  return lines.join('\n');
}

/** `veriflow verify [--repair] [--json]`: re-hashes the whole object store (like `git fsck`). Exit 1 when damage was found and not repaired. */
export async function verifyCommand(args: RunArgs): Promise<number> {
  const workspace = new Workspace(args.workspace);
  const report = await verifyStore(workspace.records, workspace.objects, { repair: args.repair });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderStoreReport(report, workspace.layout.stateDir, args.repair)}\n`);
  const damaged = report.corrupt.length + report.missing.length + report.corruptRecords.length > 0;
  return damaged && !args.repair ? 1 : 0;
}
