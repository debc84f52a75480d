export { buildApp, type AppOptions } from './app';
export { openStore, type Store, type StoreOptions } from './store';
export type { Clock } from './domain/clock';
export { generateSecret, isWellFormedSecret } from './domain/secrets';
