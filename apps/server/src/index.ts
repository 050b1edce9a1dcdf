/** The server as a library: what other apps (the bench) may build on, instead of its internal files. */
export { buildServer } from './app';
export { loadConfig, type Config } from './config';
export { createRuntime, type Runtime } from './deps';
