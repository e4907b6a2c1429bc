export * from './framing/layout.js';
