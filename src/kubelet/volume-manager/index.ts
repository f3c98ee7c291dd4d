// Public surface of the node's volume manager.
export { volumeManager, type VolumeManagerOptions } from './manager.js';
export { VolumeError } from './sources.js';
