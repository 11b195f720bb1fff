import type { Lookup } from './evaluate-template.js';

/**
 * What expressions evaluated before any instance exists (matrix axes, `replicates`) can read: params,
 * env and workflow facts. `seed` reads 0 so that a sweep's shape never depends on the seed.
 */
export function paramsLookup(params: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string>>, workflowDir: string, workflowName: string): Lookup {
  return (ref) => {
    const [root, ...rest] = ref;
    if (root === 'env') return env[String(rest[0])] ?? '';
    if (root === 'seed') return 0;
    if (root === 'workflow') return rest[0] === 'dir' ? workflowDir : workflowName;
    return rest.reduce<unknown>((current, key) => (current as Record<string | number, unknown>)?.[key], params);
  };
}
