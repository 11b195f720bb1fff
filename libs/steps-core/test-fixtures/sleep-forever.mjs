// sleep-forever.mjs: says "ready" then never exits on its own.
console.log('ready');
setInterval(() => {}, 60_000);
