// Public surface of the node's volume manager.
export { volumeManager, type VolumeManager, type VolumeManagerOptions } from './manager.js';
export { VolumeError } from './sources.js';
