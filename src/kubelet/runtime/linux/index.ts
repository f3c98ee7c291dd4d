// The linux runtime: real pods with runc (sandbox = catatonit pause; containers under conmon,
// overlayfs roots, bridge + veth networking), its preflight, and the helpers the streams layer
// uses for exec, logs and port-forward. Construct it with linuxRuntime({ root, images }).
export { LinuxRuntime, linuxRuntime, type LinuxRuntimeOptions } from './runtime.js';
export type { ImageSource, Tools } from './context.js';
export { preflight, formatPreflight, findProgram, RUNTIME_PACKAGES, type PreflightProblem } from './preflight.js';
export {
  attachContainer, execInContainer, portForward, containerLog, containerLogPath, followContainerLog, type ExecStreams, type TerminalSize,
} from './streams.js';
export { parseCriLog, utcTimestamp, type LogOptions, type LogRecord } from './logs.js';
export { parseCidr, gatewayOf, toDotted, type Cidr } from './ipam.js';
