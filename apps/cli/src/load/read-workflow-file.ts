import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { closest } from '@veriflow/workflow';
import { UsageError } from '../usage-error.js';

const isYaml = (name: string): boolean => /\.ya?ml$/.test(name);

/** The workflow files in `directory`, sorted; none when it cannot be listed. */
async function yamlFilesIn(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory, { withFileTypes: true })).filter((entry) => entry.isFile() && isYaml(entry.name)).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}

/** "; did you mean a.yaml?" or "; did you mean one of a.yaml, b.yaml?" for up to five paths, or nothing. */
function didYouMean(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  const shown = paths.length > 5 ? [...paths.slice(0, 5), '…'] : paths;
  return paths.length === 1 ? `; did you mean ${paths[0]}?` : `; did you mean one of ${shown.join(', ')}?`;
}

/** The text of the workflow file the user named (`file`, as typed; `path`, resolved), or a UsageError that says what is wrong with it. */
export async function readWorkflowFile(file: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const guess = closest(basename(path), await yamlFilesIn(dirname(path)));
      throw new UsageError(`workflow file ${file} does not exist${didYouMean(guess ? [join(dirname(file), guess)] : [])}`);
    }
    if (code === 'EISDIR') {
      const inside = (await yamlFilesIn(path)).map((name) => join(file, name));
      throw new UsageError(`workflow file ${file} is a directory${inside.length ? didYouMean(inside) : ' with no .yaml file in it'}`);
    }
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`cannot read workflow file ${file}: permission denied; check its permissions (ls -l ${file})`);
    throw new UsageError(`cannot read workflow file ${file}: ${(error as Error).message}`);
  }
}
