// Node entry: the browser-safe API plus native checksum backends, installed on import.
import './native-checksums.js';

export * from './index.js';
