// Node-only pieces: the real file system.
export { NodeFs } from './node-fs.js';
