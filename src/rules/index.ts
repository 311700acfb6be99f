import type { Transform } from './types.js';
import { addVolumes } from './add-volumes.js';
import { secrets } from './secrets.js';
import { networkSplit } from './network-split.js';
import { containerNameReplicas } from './container-name-replicas.js';
import { pinImages } from './pin-images.js';

/**
 * Every fix, in the order they run. Order matters where fixes meet: volumes before secrets
 * (both add top-level sections), network-split after both, pin-images last.
 */
export const transforms: readonly Transform[] = [
  addVolumes,
  secrets,
  containerNameReplicas,
  networkSplit,
  pinImages,
];

export function findTransform(name: string): Transform | undefined {
  return transforms.find((t) => t.meta.name === name);
}

export type { Transform, TransformMeta, TransformContext, TransformOption } from './types.js';
