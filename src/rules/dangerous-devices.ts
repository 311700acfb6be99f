/**
 * dangerous-devices: `devices:` that hand the container a raw disk (it can read every file of
 * every filesystem on it, or write past any permission) or the host's memory (/dev/mem,
 * /dev/kmem, /dev/port), and `device_cgroup_rules` that allow every device (`a ...`) or every
 * block device. Reported at the list item, for the environments whose merged lists have it.
 * Findings only.
 */
import { isObj } from '../core/plain.js';
import type { Rule } from './types.js';
import { reportHits, resolver, type Hit } from './lib/security.js';

const DISK = /^\/dev\/(sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(n\d+(p\d+)?)?|mmcblk\d+(p\d+)?|dm-\d+|md\d+|loop\d+|mapper\/.+|disk\/.+|nbd\d+|sr\d+)$/;
const MEMORY = /^\/dev\/(mem|kmem|port|cpu\/\d+\/msr)$/;

const rule: Rule = {
  meta: {
    id: 'dangerous-devices',
    description: 'Report devices that expose raw disks or host memory, and device cgroup rules that allow every device',
    rationale:
      'A raw disk device bypasses every file permission of the filesystems on it, /dev/mem and /dev/kmem expose the memory of the host kernel, and an `a *:* rwm` device cgroup rule lets the container create and use any device node: each one is a way out of the container.',
    severity: 'warning',
    fixable: false,
    options: [],
    kinds: {
      memory: { severity: 'error', description: '/dev/mem, /dev/kmem, /dev/port or a CPU MSR device is mapped' },
      'cgroup-all': { severity: 'warning', description: 'a device_cgroup_rules entry allows every device (or every block device)' },
    },
    docs: 'docs/rules/dangerous-devices.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const resolve = resolver(ctx, env);
      const out: Hit[] = [];
      for (const d of Array.isArray(svc.devices) ? svc.devices : []) {
        if (!isObj(d) || typeof d.source !== 'string') continue;
        const src = resolve(d.source).value;
        if (MEMORY.test(src)) out.push({ attr: 'devices', item: d, kind: 'memory', message: `${service} maps ${src}: it can read and write the memory of the host` });
        else if (DISK.test(src))
          out.push({ attr: 'devices', item: d, message: `${service} maps the raw disk ${src}: it bypasses the permissions of every filesystem on it; mount the directory it needs instead` });
      }
      for (const r of Array.isArray(svc.device_cgroup_rules) ? svc.device_cgroup_rules : []) {
        if (typeof r !== 'string') continue;
        const [type, nums] = resolve(r).value.trim().split(/\s+/);
        if (type === 'a' || (type === 'b' && (nums === undefined || nums === '*:*')))
          out.push({ attr: 'device_cgroup_rules', item: r, kind: 'cgroup-all', message: `${service}: device_cgroup_rules "${r}" allows ${type === 'a' ? 'every device' : 'every block device'}` });
      }
      return out;
    });
  },
};

export default rule;
