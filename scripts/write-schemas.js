#!/usr/bin/env node
// Publishes the workflow JSON Schema (the one the validator uses) to schemas/, so editors
// autocomplete with `# yaml-language-server: $schema=...`. A test checks the file is current.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { workflowSchema } from '../libs/workflow/dist/index.js';

const target = resolve(import.meta.dirname, '..', 'schemas', 'workflow.schema.json');
writeFileSync(target, `${JSON.stringify(workflowSchema, null, 2)}\n`);
