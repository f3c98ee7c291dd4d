// Public surface of core: API types, errors and pure helpers. Imports nothing else in src/.
export * from './errors.js';
export * from './types.js';
export * from './resources.js';
export * from './cidr.js';
export * from './labels.js';
export * from './fields.js';
export * from './age.js';
export * from './schema/index.js';
export * from './quantity.js';
export * from './protobuf/index.js';
