// The copy-on-write view moved to core (the inspector and repair planning use it for every
// format); the store keeps importing it from here.
export { OverlayFs } from '@logspec/core';
