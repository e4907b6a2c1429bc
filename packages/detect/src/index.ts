/**
 * `@logspec/detect`: tells which logspec format a file or directory holds (the `logspec` CLI
 * and the browser inspector use the same rules). Browser-safe: it reads through core's `Fs`,
 * so it works on a disk (`NodeFs`) or on files a user dropped into a page.
 */
export { type Detected, type DetectedFormat, type Detection, detectFormat, segmentLogPath } from './detect.js';
export { placeLooseFiles } from './place.js';
