/**
 * What `docker compose config` shows without profiles, written from Compose's rules
 * (compose-go `WithProfiles([])`, then `WithoutUnnecessaryResources`) for the tests,
 * independently of extract's own verification: services with profiles are left out, then
 * the volumes, networks, secrets and configs no remaining service uses. Works on the normal
 * form (`configModel`).
 */
export function activeProject(model: Record<string, unknown>): Record<string, unknown> {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const services = Object.fromEntries(
    Object.entries(obj(model.services)).filter(([, s]) => !(Array.isArray(obj(s).profiles) && (obj(s).profiles as unknown[]).length)),
  );
  const used = new Set<string>();
  for (const s of Object.values(services).map(obj)) {
    const nets = s.networks;
    for (const n of Array.isArray(nets) ? nets : Object.keys(obj(nets))) used.add(`networks/${String(n)}`);
    if (nets === undefined && s.network_mode === undefined) used.add('networks/default');
    for (const v of Array.isArray(s.volumes) ? s.volumes : []) if (obj(v).type === 'volume') used.add(`volumes/${String(obj(v).source)}`);
    for (const k of ['secrets', 'configs']) for (const x of Array.isArray(s[k]) ? (s[k] as unknown[]) : []) used.add(`${k}/${String(obj(x).source)}`);
    for (const x of Array.isArray(obj(s.build).secrets) ? (obj(s.build).secrets as unknown[]) : []) used.add(`secrets/${String(obj(x).source)}`);
  }
  const out: Record<string, unknown> = { ...model, services };
  for (const k of ['volumes', 'networks', 'secrets', 'configs']) {
    if (!(k in model)) continue;
    const kept = Object.fromEntries(Object.entries(obj(model[k])).filter(([name]) => used.has(`${k}/${name}`)));
    // an empty section prints nothing, like an absent one
    if (Object.keys(kept).length) out[k] = kept;
    else delete out[k];
  }
  return out;
}
