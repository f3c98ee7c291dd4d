// OpenAPI documents (/openapi/v2, /openapi/v3) built from the generated schemas.
export { negotiate, openApiHandler, PROTOBUF_V2, type OpenApiHandler, type OpenApiResponse } from './handler.js';
export { buildV2, buildV3, buildV3All } from './documents.js';
export { groupVersions, gvPath, resourcePaths, type GroupVersion, type Operation, type PathItem } from './paths.js';
