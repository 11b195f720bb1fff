// exit-with-code.mjs <code | SIGNAL>: exits with that code, or kills itself with that signal.
const [how = '0'] = process.argv.slice(2);
if (how.startsWith('SIG')) process.kill(process.pid, how);
else process.exit(Number(how));
