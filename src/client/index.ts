// Public surface of the client: ApiClient over HTTP or in-process transports.
export { createClient } from './client.js';
export { createHttpTransport, resourcePath, statusToError, type HttpTransportOptions } from './http-transport.js';
export { createInProcessTransport, type InProcessHandler } from './in-process.js';
export { execInPod, type ExecResult } from './exec.js';
export type {
  ApiClient, DeleteOptions, ListOptions, ObjectList, PatchType, Reader, Transport, TransportRequest, WatchClient,
  WatchEvent, WatchOptions, Writer, WriteOptions,
} from './types.js';
