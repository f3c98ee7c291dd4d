// Public surface of the API server.
export { createApiServer, type ApiServer, type ApiServerOptions } from './server.js';
export type { ApiRequest, UserInfo, WatchEvent, ListResult } from './request.js';
export type { ApiResult } from './api.js';
export type { ResourceStrategy, TableSpec, TableColumn } from './registry/strategy.js';
export { defaultAdmission, type AdmissionPlugin } from './admission/index.js';
export { KUBE_GIT_VERSION, KUBE_MAJOR, KUBE_MINOR } from './version.js';
export type { ExecResult, LogOptions, PodStreams, ProcessIO, TerminalSize } from './streams/types.js';
