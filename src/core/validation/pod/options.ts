// Knobs upstream derives from feature gates and the old object (PodValidationOptions),
// fixed here at Kubernetes 1.33's defaults.
export interface PodValidationOptions {
  /** The spec belongs to a Pod (not a template): stricter image and hostPort rules. */
  readonly resourceIsPod?: boolean;
  /** Keep accepting bad selector values an existing object already has. */
  readonly allowInvalidLabelValueInSelector?: boolean;
  /** Allow non-integer hugepage multiples an existing pod already had. */
  readonly allowIndivisibleHugePagesValues?: boolean;
}
