// Fields Berth serves that arrived upstream after kubernetes-types 1.30 (up to 1.33), added by
// hand. Kept to the ones we know well; descriptions are ours. Read only by scripts/gen-schema.ts.
//
// Type syntax: 'string' | 'boolean' | 'int32' | 'int64' | a definition name in the same module
// (or 'module:Name') | 'array:<type>' | 'map:<type>'.

export interface OverlayField { readonly type: string; readonly description: string }

export interface OverlayDef {
  readonly description: string;
  readonly properties: Readonly<Record<string, OverlayField>>;
  readonly required?: readonly string[];
}

/** New fields on existing definitions, by `module:Name`. */
export const OVERLAY_FIELDS: Readonly<Record<string, Readonly<Record<string, OverlayField>>>> = {
  'core/v1:PodSpec': {
    resources: { type: 'ResourceRequirements', description: 'Pod-level compute resources: the total the containers of the pod may use (1.32+, PodLevelResources).' },
  },
  'core/v1:PodSecurityContext': {
    supplementalGroupsPolicy: { type: 'string', description: 'How supplemental groups of the first container process are computed: "Merge" (default) or "Strict" (1.31+).' },
    seLinuxChangePolicy: { type: 'string', description: 'How the SELinux label is applied to volumes: "Recursive" or "MountOption" (1.32+).' },
  },
  'core/v1:PodStatus': {
    observedGeneration: { type: 'int64', description: 'The pod generation the kubelet last acted on (1.33+).' },
  },
  'core/v1:PodCondition': {
    observedGeneration: { type: 'int64', description: 'The pod generation this condition was set for (1.33+).' },
  },
  'core/v1:Lifecycle': {
    stopSignal: { type: 'string', description: 'Signal sent to stop the container; defaults to the image\'s STOPSIGNAL or SIGTERM (1.33+).' },
  },
  'core/v1:ContainerStatus': {
    user: { type: 'ContainerUser', description: 'Identity the first process of the container runs as (1.31+).' },
    allocatedResourcesStatus: { type: 'array:ResourceStatus', description: 'Health of the resources allocated to the container (1.31+).' },
    stopSignal: { type: 'string', description: 'Signal that will be sent to stop the container (1.33+).' },
  },
  'core/v1:VolumeSource': {
    image: { type: 'ImageVolumeSource', description: 'An OCI image or artifact mounted read-only as a volume (1.31+).' },
  },
  'core/v1:NodeStatus': {
    features: { type: 'NodeFeatures', description: 'Features the node implements (1.31+).' },
  },
  'coordination/v1:LeaseSpec': {
    strategy: { type: 'string', description: 'Strategy used to pick the leader in coordinated leader election (1.31+).' },
    preferredHolder: { type: 'string', description: 'Holder the coordinated leader election prefers (1.31+).' },
  },
};

/** Definitions that exist only for the overlay fields above. */
export const OVERLAY_DEFS: Readonly<Record<string, OverlayDef>> = {
  'core/v1:ImageVolumeSource': {
    description: 'An image volume: the content of an OCI image or artifact, mounted read-only.',
    properties: {
      reference: { type: 'string', description: 'Image or artifact reference to pull, as for a container image.' },
      pullPolicy: { type: 'string', description: 'Always, Never or IfNotPresent, as for container images.' },
    },
  },
  'core/v1:ContainerUser': {
    description: 'The identity a container process runs as.',
    properties: { linux: { type: 'LinuxContainerUser', description: 'Linux user identity.' } },
  },
  'core/v1:LinuxContainerUser': {
    description: 'A Linux user identity: uid, gid and supplemental groups.',
    properties: {
      uid: { type: 'int64', description: 'Primary user ID.' },
      gid: { type: 'int64', description: 'Primary group ID.' },
      supplementalGroups: { type: 'array:int64', description: 'Supplemental group IDs.' },
    },
    required: ['uid', 'gid'],
  },
  'core/v1:ResourceStatus': {
    description: 'Health of one resource allocated to a container.',
    properties: {
      name: { type: 'string', description: 'Name of the resource, as in the container\'s resources.' },
      resources: { type: 'array:ResourceHealth', description: 'Health of each allocated device of this resource.' },
    },
    required: ['name'],
  },
  'core/v1:ResourceHealth': {
    description: 'Health of one device.',
    properties: {
      resourceID: { type: 'string', description: 'Identifier of the device.' },
      health: { type: 'string', description: 'Healthy, Unhealthy or Unknown.' },
    },
    required: ['resourceID'],
  },
  'core/v1:NodeFeatures': {
    description: 'Features a node implements.',
    properties: {
      supplementalGroupsPolicy: { type: 'boolean', description: 'Whether the node supports PodSecurityContext.supplementalGroupsPolicy.' },
    },
  },
};
