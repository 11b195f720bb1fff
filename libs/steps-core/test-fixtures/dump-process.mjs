// dump-process.mjs <file> [args...]: writes { args, env, stdin, cwd } as JSON so tests see exactly what arrived.
import { readFileSync, writeFileSync } from 'node:fs';

const [file, ...args] = process.argv.slice(2);
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('VERIFLOW_') || key.startsWith('TEST_') || key.startsWith('CUDA_')));
writeFileSync(file, JSON.stringify({ args, env, hasPath: 'PATH' in process.env, stdin: readFileSync(0, 'utf8'), cwd: process.cwd() }));
