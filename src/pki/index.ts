// Public surface of pki: cluster CA, leaf certificates, tokens.
export { generateCa, generateLeaf, newPrivateKey, newToken, type KeyPair, type LeafOptions } from './pki.js';
