// print-lines-then-fail.mjs <stdout lines> <stderr lines> <exit code>
const [out = '0', err = '0', code = '1'] = process.argv.slice(2);
for (let i = 1; i <= Number(out); i++) process.stdout.write(`out ${i}\n`);
for (let i = 1; i <= Number(err); i++) process.stderr.write(`err ${i}\n`);
process.exitCode = Number(code);
