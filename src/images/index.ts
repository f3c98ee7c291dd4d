// Public surface of the image module (OCI image store, pull, archives, gc). Everything else in
// src/images is private; other modules import only from here.
export { Images, openImages, type ImagesOptions, type PullCallOptions, type ImageStatusInfo } from './images.js';
export { ImageStore, type ResolvedImage, type ImageSummary, type GcResult } from './store.js';
export { pullImage, type PullOptions, type PullProgress } from './pull.js';
export { loadArchive, type LoadOptions, type LoadedImage } from './archive.js';
export { ImageError, isImageError, type ImageErrorKind, type KubeletImageReason } from './errors.js';
export {
  parseReference, formatReference, normalizeReference, familiarName, isDigest, type ImageReference,
} from './reference.js';
export { defaultPullPolicy, pullDecision, neverPullError, type PullPolicy, type PullDecision } from './policy.js';
export {
  credentialsFromDockerConfig, combineCredentials, credentialFor, keyringFromPullSecrets, DockerKeyring,
  type CredentialLookup, type RegistryCredential, type DockerConfigEntry, type PullSecretLike,
} from './credentials.js';
export { loadRegistriesConfig, parseRegistriesConfig, type RegistriesConfig } from './registries.js';
export { hostPlatform, type ImageRuntimeConfig, type Platform } from './media.js';
export { unpackLayer, type UnpackResult } from './unpack.js';
