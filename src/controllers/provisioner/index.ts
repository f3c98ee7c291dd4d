// Provisioner controller: creates and deletes the storage of dynamically provisioned volumes
// for the provisioners Berth implements (`berth.dev/local-path`, `berth.dev/local-block`; others
// are added by passing them in `provisioners`). It plays upstream's external-provisioner role: the binder decides
// that a claim needs a new volume and annotates it; this controller makes the storage and the
// PV (provision.ts), and removes both when a Delete-policy PV is released (reclaim.ts).
//
// Storage is local to a machine, so one instance serves the node(s) whose disk holds `root`:
// `nodeName` limits it to one node; without it every node is taken to share this machine's
// disk (one-machine clusters, `berth up --nodes N`). Immediate-class volumes go to
// `immediateNode` (default: nodeName, else this host's name).
//
// Keys: `namespace/name` is a claim, `name` a PV.
import { hostname } from 'node:os';
import { PersistentVolumeClaims, PersistentVolumes, StorageClasses } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { ControllerSpec, InformerSet, Reconciler, Watch } from '../../controller-runtime/index.js';
import {
  ANN_PROVISIONED_BY, berthProvisioners, createEventRecorder, DEFAULT_VOLUMES_ROOT, type EventRecorder,
  type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume, type Provisioner, type StorageClassObject,
} from '../../volumes/index.js';
import { provisionClaim, requestedProvisioner, type ProvisionContext } from './provision.js';
import { reclaimVolume } from './reclaim.js';

export interface ProvisionerOptions {
  /**
   * Where local-path volumes live (`<root>/<pv-name>`), and local-block images
   * (`<root>/block/<pv-name>.img`); default `<tmpdir>/berth-local-path`.
   */
  readonly root?: string;
  /** Serve only this node; default: every node. */
  readonly nodeName?: string;
  /** Node for Immediate-class volumes; default nodeName, else this host's name. */
  readonly immediateNode?: string;
  /** Default: local-path and local-block under `root`. */
  readonly provisioners?: readonly Provisioner[];
  /** Default: one recorder per provisioner, source `<provisioner>_<node>`. */
  readonly recorder?: EventRecorder;
}

export const DEFAULT_LOCAL_PATH_ROOT = DEFAULT_VOLUMES_ROOT;

export function provisionerController(opts: ProvisionerOptions = {}): (client: ApiClient, informers: InformerSet) => ControllerSpec {
  return (client, informers) => {
    const root = opts.root ?? DEFAULT_LOCAL_PATH_ROOT;
    const provisioners = opts.provisioners ?? berthProvisioners(root, opts.nodeName);
    const instance = opts.nodeName ?? hostname();
    const byName = new Map(provisioners.map((p) => [p.name, {
      provisioner: p,
      recorder: opts.recorder ?? createEventRecorder(client, { component: `${p.name}_${instance}` }),
    }]));
    const claimInf = informers.informerFor<Claim>(PersistentVolumeClaims);
    const pvInf = informers.informerFor<Volume>(PersistentVolumes);
    const classInf = informers.informerFor<StorageClassObject>(StorageClasses);

    const ctx: ProvisionContext = {
      client,
      serving: (name) => (name === undefined ? undefined : byName.get(name)),
      storageClass: (name) => classInf.lister.get({ name }),
      volumeCached: (name) => !!pvInf.lister.get({ name }),
      servesNode: (node) => !opts.nodeName || node === opts.nodeName,
      immediateNode: opts.immediateNode ?? instance,
    };

    const reconciler: Reconciler = {
      async reconcile(req) {
        if (req.namespace) {
          const claim = claimInf.lister.get({ namespace: req.namespace, name: req.name });
          if (claim) await provisionClaim(ctx, claim);
          return {};
        }
        const pv = pvInf.lister.get({ name: req.name });
        const serving = pv && byName.get(pv.metadata?.annotations?.[ANN_PROVISIONED_BY] ?? '');
        if (pv && serving) await reclaimVolume(client, serving.provisioner, serving.recorder, pv);
        return {};
      },
    };

    const claimWatch: Watch<Claim> = {
      informer: claimInf,
      toRequests: (c) => (byName.has(requestedProvisioner(c) ?? '') && !c.spec?.volumeName
        ? [{ namespace: c.metadata?.namespace, name: c.metadata?.name ?? '' }] : []),
    };
    const volumeWatch: Watch<Volume> = {
      informer: pvInf,
      toRequests: (pv) => (byName.has(pv.metadata?.annotations?.[ANN_PROVISIONED_BY] ?? '') ? [{ name: pv.metadata?.name ?? '' }] : []),
    };
    // Classes are only read; watched so the cache is synced before the first provision.
    const classWatch: Watch<StorageClassObject> = { informer: classInf, toRequests: () => [] };
    return { name: 'provisioner', reconciler, watches: [claimWatch, volumeWatch, classWatch] as unknown as Watch[], concurrency: 4 };
  };
}

/** The provisioner controller with default options, as a controller factory. */
export const provisioner = provisionerController();
