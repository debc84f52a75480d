export * from './contract';
export { WardenClient, type ClientMethods, type ClientOptions, type CallOptions } from './client';
export * from './errors';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
