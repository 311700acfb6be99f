/**
 * Printing a typed project exactly as compose-go's `Project.MarshalYAML` / `MarshalJSON` do:
 * struct fields in Go declaration order with their `omitempty` rules (yaml.v3 and
 * encoding/json disagree on what is empty: a struct is never empty for JSON), maps sorted,
 * and each named type's own MarshalYAML / MarshalJSON (durations as `1m30s`, byte sizes as
 * quoted numbers, file modes in octal, `extra_hosts` as sorted `host=ip`, ...).
 */
import { formatJsonFloat, isMap } from '../go.js';
import type { Obj } from '../merge/values.js';
import { durationString, EXT } from './bind.js';
import { FileObjectConfig, ProjectStruct, ServiceConfigStruct, type GoField, type GoType } from './gotype.js';
import { byteOrder, jnull, jraw, jsonString, valueJson, valueNode, yamlFloat, type JNode } from './print.js';
import type { TypedProject } from './typed.js';
import { nullNode, plain, stringNode, yamlSortedKeys, type YNode } from './yaml-emit.js';

function fieldsOf(t: GoType): GoField[] {
  return t.kind === 'struct' ? t.fields : [];
}

const key = (f: GoField) => (f.inline ? EXT : (f.yaml ?? f.go));

/**
 * Is a field value empty for `omitempty`? yaml.v3's `isZero` (a struct is empty when all its
 * fields are; ShellCommand's IsZero: only nil) or encoding/json's `isEmptyValue` (a struct is
 * never empty; a pointer only when nil).
 */
function omittable(v: unknown, t: GoType, encoder: 'yaml' | 'json'): boolean {
  if (t.kind === 'struct') return encoder === 'yaml' && t.fields.every((f) => (f.yaml === null && !f.inline) || omittable((v as Obj | undefined)?.[key(f)], f.type, 'yaml'));
  if (v === undefined || v === null) return true;
  switch (t.kind) {
    case 'string':
      return v === '';
    case 'bool':
      return v === false;
    case 'int':
    case 'float':
      return v === 0 || v === 0n;
    case 'slice':
      return (v as unknown[]).length === 0;
    case 'map':
      return Object.keys(v as Obj).length === 0;
    case 'ptr':
    case 'any':
      return false;
    case 'named':
      switch (t.name) {
        case 'Duration':
        case 'UnitBytes':
        case 'DeviceCount':
        case 'NanoCPUs':
          return v === 0 || v === 0n;
        case 'FileMode':
          return encoder === 'yaml' && v === 0;
        case 'External':
          return v === false;
        case 'EnvFile':
          return encoder === 'yaml' && !(v as Obj).path && !(v as Obj).required && !(v as Obj).format;
        case 'ShellCommand':
          return encoder === 'json' && (v as unknown[]).length === 0;
        case 'SecretConfig':
        case 'ConfigObjConfig':
        case 'ServiceConfig':
        case 'UlimitsConfig':
          return false;
        default:
          return Array.isArray(v) ? v.length === 0 : Object.keys(v as Obj).length === 0;
      }
  }
}

// ---------------------------------------------------------------------------------------- YAML

function yamlStruct(v: Obj, fields: readonly GoField[]): YNode {
  const entries: [YNode, YNode][] = [];
  let inline: Obj | undefined;
  for (const f of fields) {
    if (f.inline) {
      inline = v[EXT] as Obj | undefined;
      continue;
    }
    if (f.yaml === null) continue;
    const value = v[key(f)];
    if (f.yamlOmitEmpty && omittable(value, f.type, 'yaml')) continue;
    entries.push([stringNode(f.yaml), yamlValue(value, f.type)]);
  }
  if (inline) for (const k of yamlSortedKeys(Object.keys(inline))) entries.push([stringNode(k), valueNode(inline[k])]);
  return { t: 'map', entries };
}

function yamlMap(v: Obj, elem: GoType): YNode {
  return { t: 'map', entries: yamlSortedKeys(Object.keys(v)).map((k) => [stringNode(k), yamlValue(v[k], elem)]) };
}

function intText(v: unknown): string {
  return typeof v === 'bigint' ? v.toString() : String(v ?? 0);
}

function yamlValue(v: unknown, t: GoType): YNode {
  switch (t.kind) {
    case 'string':
      return stringNode((v as string | undefined) ?? '');
    case 'bool':
      return plain(v === true ? 'true' : 'false');
    case 'int':
      return plain(intText(v));
    case 'float':
      return yamlFloat((v as number | undefined) ?? 0, t.bits);
    case 'ptr':
      return v === undefined || v === null ? nullNode : yamlValue(v, t.elem);
    case 'slice':
      return v === undefined ? { t: 'seq', items: [] } : { t: 'seq', items: (v as unknown[]).map((x) => yamlValue(x, t.elem)) };
    case 'map':
      return v === undefined ? { t: 'map', entries: [] } : yamlMap(v as Obj, t.elem);
    case 'struct':
      return yamlStruct((v as Obj | undefined) ?? {}, t.fields);
    case 'any':
      return valueNode(v);
    case 'named':
      return yamlNamed(v, t.name);
  }
}

const STRING: GoType = { kind: 'string' };
const STRINGS: GoType = { kind: 'slice', elem: STRING };

function yamlNamed(v: unknown, name: string): YNode {
  switch (name) {
    case 'Duration':
      return stringNode(durationString(BigInt((v as bigint | number | undefined) ?? 0)));
    case 'UnitBytes':
      return stringNode(intText(v));
    case 'ShellCommand':
      return v === undefined ? nullNode : yamlValue(v, STRINGS);
    case 'HealthCheckTest':
    case 'StringList':
    case 'StringOrNumberList':
      return yamlValue(v, STRINGS);
    case 'MappingWithEquals':
      return v === undefined ? { t: 'map', entries: [] } : yamlMap(v as Obj, { kind: 'ptr', elem: STRING });
    case 'Mapping':
    case 'Labels':
    case 'Options':
      return v === undefined ? { t: 'map', entries: [] } : yamlMap(v as Obj, STRING);
    case 'MultiOptions':
      return v === undefined ? { t: 'map', entries: [] } : yamlMap(v as Obj, STRINGS);
    case 'HostsList':
      return { t: 'seq', items: hostsList(v).map(stringNode) };
    case 'SSHConfig':
      return { t: 'seq', items: ((v as { id: string; path: string }[] | undefined) ?? []).map((k) => stringNode(k.path ? `${k.id}: ${k.path}` : k.id)) };
    case 'DeviceCount':
      return plain(intText(v));
    case 'NanoCPUs':
      return yamlFloat((v as number | undefined) ?? 0, 32);
    case 'FileMode':
      return stringNode(`0${Number(v ?? 0).toString(8)}`);
    case 'UlimitsConfig': {
      const u = v as { single: number; soft: number; hard: number };
      if (u.single) return plain(String(u.single));
      return { t: 'map', entries: [[stringNode('soft'), plain(String(u.soft))], [stringNode('hard'), plain(String(u.hard))]] };
    }
    case 'EnvFile': {
      const e = v as Obj;
      if (e.required) return stringNode(String(e.path ?? ''));
      return { t: 'map', entries: [[stringNode('path'), stringNode(String(e.path ?? ''))], [stringNode('required'), plain('false')]] };
    }
    case 'External':
      return plain(v === true ? 'true' : 'false');
    case 'SecretConfig':
      return yamlStruct(fileObject(v as Obj, 'secret'), fieldsOf(FileObjectConfig));
    case 'ConfigObjConfig':
      return yamlStruct(fileObject(v as Obj, 'config'), fieldsOf(FileObjectConfig));
    case 'ServiceConfig': {
      const s = { ...(v as Obj) };
      delete s.name;
      return yamlStruct(s, fieldsOf(ServiceConfigStruct));
    }
  }
  return valueNode(v);
}

/** SecretConfig never prints its content; ConfigObjConfig drops it when it came from the environment. */
function fileObject(v: Obj, kind: 'secret' | 'config'): Obj {
  if (kind === 'secret' || v.environment) {
    const out = { ...v };
    delete out.content;
    return out;
  }
  return v;
}

function hostsList(v: unknown): string[] {
  const out: string[] = [];
  for (const [host, ips] of Object.entries((v as Record<string, string[]> | undefined) ?? {})) for (const ip of ips) out.push(`${host}=${ip}`);
  return out.sort(byteOrder);
}

/** The YAML of a typed project, as `project.MarshalYAML()` writes it. */
export function projectYaml(p: TypedProject): YNode {
  return yamlStruct(projectObj(p), fieldsOf(ProjectStruct));
}

function projectObj(p: TypedProject): Obj {
  const out: Obj = { name: p.name, services: p.services };
  for (const k of ['networks', 'volumes', 'secrets', 'configs', 'models'] as const) if (p[k] !== undefined) out[k] = p[k];
  if (p.extensions) out[EXT] = p.extensions;
  return out;
}

// ---------------------------------------------------------------------------------------- JSON

function jsonStruct(v: Obj, fields: readonly GoField[]): JNode {
  const entries: [string, JNode][] = [];
  for (const f of fields) {
    if (f.json === null) continue;
    const value = v[key(f)];
    if (f.jsonOmitEmpty && omittable(value, f.type, 'json')) continue;
    entries.push([f.json, jsonValue(value, f.type)]);
  }
  return { j: 'obj', entries };
}

function jsonMap(v: Obj, elem: GoType): JNode {
  return { j: 'obj', entries: Object.keys(v).sort(byteOrder).map((k) => [k, jsonValue(v[k], elem)]) };
}

function jsonValue(v: unknown, t: GoType): JNode {
  switch (t.kind) {
    case 'string':
      return jraw(jsonString((v as string | undefined) ?? ''));
    case 'bool':
      return jraw(v === true ? 'true' : 'false');
    case 'int':
      return jraw(intText(v));
    case 'float':
      return jraw(formatJsonFloat((v as number | undefined) ?? 0, t.bits));
    case 'ptr':
      return v === undefined || v === null ? jnull : jsonValue(v, t.elem);
    case 'slice':
      return v === undefined ? jnull : { j: 'arr', items: (v as unknown[]).map((x) => jsonValue(x, t.elem)) };
    case 'map':
      return v === undefined ? jnull : jsonMap(v as Obj, t.elem);
    case 'struct':
      return jsonStruct((v as Obj | undefined) ?? {}, t.fields);
    case 'any':
      return valueJson(v);
    case 'named':
      return jsonNamed(v, t.name);
  }
}

function jsonNamed(v: unknown, name: string): JNode {
  switch (name) {
    case 'Duration':
      return jraw(jsonString(durationString(BigInt((v as bigint | number | undefined) ?? 0))));
    case 'UnitBytes':
      return jraw(`"${intText(v)}"`);
    case 'ShellCommand':
    case 'HealthCheckTest':
    case 'StringList':
    case 'StringOrNumberList':
      return jsonValue(v, STRINGS);
    case 'MappingWithEquals':
      return v === undefined ? jnull : jsonMap(v as Obj, { kind: 'ptr', elem: STRING });
    case 'Mapping':
    case 'Labels':
    case 'Options':
      return v === undefined ? jnull : jsonMap(v as Obj, STRING);
    case 'MultiOptions':
      return v === undefined ? jnull : jsonMap(v as Obj, STRINGS);
    case 'HostsList':
      return v === undefined ? jnull : { j: 'arr', items: hostsList(v).map((h) => jraw(jsonString(h))) };
    case 'SSHConfig':
      return v === undefined ? jnull : { j: 'arr', items: (v as { id: string; path: string }[]).map((k) => jraw(k.path ? `${jsonString(k.id)}: ${k.path}` : jsonString(k.id))) };
    case 'DeviceCount':
      return jraw(intText(v));
    case 'NanoCPUs':
      return jraw(formatJsonFloat((v as number | undefined) ?? 0, 32));
    case 'FileMode':
      return jraw(`"0${Number(v ?? 0).toString(8)}"`);
    case 'UlimitsConfig': {
      const u = v as { single: number; soft: number; hard: number };
      if (u.single) return jraw(String(u.single));
      const entries: [string, JNode][] = [];
      if (u.soft) entries.push(['soft', jraw(String(u.soft))]);
      if (u.hard) entries.push(['hard', jraw(String(u.hard))]);
      return { j: 'obj', entries };
    }
    case 'EnvFile': {
      const e = v as Obj;
      if (e.required) return jraw(jsonString(String(e.path ?? '')));
      const entries: [string, JNode][] = [];
      if (e.path) entries.push(['path', jraw(jsonString(String(e.path)))]);
      entries.push(['required', jraw('false')]);
      if (e.format) entries.push(['format', jraw(jsonString(String(e.format)))]);
      return { j: 'obj', entries };
    }
    case 'External':
      return jraw(v === true ? 'true' : 'false');
    case 'SecretConfig':
      return jsonStruct(fileObject(v as Obj, 'secret'), fieldsOf(FileObjectConfig));
    case 'ConfigObjConfig':
      return jsonStruct(fileObject(v as Obj, 'config'), fieldsOf(FileObjectConfig));
    case 'ServiceConfig':
      return jsonStruct(v as Obj, fieldsOf(ServiceConfigStruct));
  }
  return valueJson(v);
}

/** The JSON of a typed project, as `project.MarshalJSON()` writes it (no `models`). */
export function projectJson(p: TypedProject): JNode {
  const m: [string, JNode][] = [
    ['name', jraw(jsonString(p.name))],
    ['services', jsonMap(p.services, { kind: 'named', name: 'ServiceConfig' })],
  ];
  const section = (k: 'networks' | 'volumes' | 'secrets' | 'configs', elem: GoType) => {
    const v = p[k];
    if (v && Object.keys(v).length) m.push([k, jsonMap(v, elem)]);
  };
  section('networks', fieldsType('networks'));
  section('volumes', fieldsType('volumes'));
  section('secrets', { kind: 'named', name: 'SecretConfig' });
  section('configs', { kind: 'named', name: 'ConfigObjConfig' });
  for (const [k, v] of Object.entries(p.extensions ?? {})) m.push([k, valueJson(v)]);
  return { j: 'obj', entries: m.sort(([a], [b]) => byteOrder(a, b)) };
}

function fieldsType(name: string): GoType {
  const f = fieldsOf(ProjectStruct).find((x) => x.yaml === name)!;
  return f.type.kind === 'map' ? f.type.elem : f.type;
}

export { isMap };
