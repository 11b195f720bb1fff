// write-file.mjs <path> <content>: writes content to path (relative to cwd, like any program would).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const [path, content = ''] = process.argv.slice(2);
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, content);
console.log(`wrote ${path}`);
