// Contract: every failure the image module reports is an ImageError whose `kind` tells the
// caller what happened, and whose `reason` is the waiting reason the kubelet shows (upstream
// pkg/kubelet/images: ErrImagePull, InvalidImageName, ErrImageNeverPull) — the same field
// RuntimeError uses (src/kubelet/runtime), so an ImageError can reach the pod worker as it is.
// The kubelet turns repeated ErrImagePull into ImagePullBackOff itself; this module never
// retries a whole pull on its own, so the caller's backoff stays in charge.

export type ImageErrorKind =
  | 'NotFound'          // the registry has no such repository, tag or digest
  | 'Unauthorized'      // credentials missing or refused (401/403, token endpoint refused)
  | 'Network'           // connection refused, DNS, TLS, timeout, 5xx: worth retrying later
  | 'TooManyRequests'   // 429 from the registry (Docker Hub's rate limit)
  | 'InvalidImage'      // digest mismatch, malformed manifest/config/layer, unsafe tar entry
  | 'Unsupported'       // media type or compression we do not read (schema1, zstd)
  | 'InvalidImageName'  // the reference does not parse
  | 'NotPresent';       // not in the local store (resolveImage, pull policy Never)

export type KubeletImageReason = 'ErrImagePull' | 'InvalidImageName' | 'ErrImageNeverPull';

export class ImageError extends Error {
  /** What a kubelet shows as the container's waiting reason for this failure. */
  readonly reason: KubeletImageReason;

  constructor(readonly kind: ImageErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageError';
    this.reason = kind === 'InvalidImageName' ? 'InvalidImageName' : kind === 'NotPresent' ? 'ErrImageNeverPull' : 'ErrImagePull';
  }

  /** Worth trying again later (the kubelet backs off either way; the CLI may say so). */
  get retryable(): boolean {
    return this.kind === 'Network' || this.kind === 'TooManyRequests';
  }
}

export const isImageError = (e: unknown): e is ImageError => e instanceof ImageError;

export const notFound = (msg: string, cause?: unknown) => new ImageError('NotFound', msg, { cause });
export const unauthorized = (msg: string, cause?: unknown) => new ImageError('Unauthorized', msg, { cause });
export const network = (msg: string, cause?: unknown) => new ImageError('Network', msg, { cause });
export const invalidImage = (msg: string, cause?: unknown) => new ImageError('InvalidImage', msg, { cause });
export const unsupported = (msg: string) => new ImageError('Unsupported', msg);
export const notPresent = (ref: string) => new ImageError('NotPresent', `image "${ref}" is not present in the image store`);

/** The digest of what arrived is not the digest that was asked for. */
export function digestMismatch(what: string, expected: string, actual: string): ImageError {
  return invalidImage(`${what}: digest mismatch: expected ${expected}, got ${actual}`);
}
