export * from './broker.js';
export * from './config.js';
export * from './credential-store.js';
export * from './metrics.js';
export { generateSecret, hashSecret, verifySecret } from '@hameau/protocol/secret-hash';
