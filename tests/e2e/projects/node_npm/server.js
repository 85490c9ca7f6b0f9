const ms = require('ms');
const os = require('os');
console.log(`hello from node: 1.5h is ${ms('1.5h')} ms`);
console.log(`as ${os.userInfo().username} (${process.getuid()}) in ${process.cwd()}`);
