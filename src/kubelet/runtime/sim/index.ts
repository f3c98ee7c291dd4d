// The sim runtime: pods that "run" with no processes (see sim-runtime.ts and command.ts).
export { simRuntime, SimRuntime, SIM_RUNTIME_VERSION, type SimRecord, type SimRuntimeOptions } from './sim-runtime.js';
export { simBehaviour, type SimBehaviour } from './command.js';
export { normalizeImage } from './image.js';
