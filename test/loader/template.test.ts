/** Variable substitution as compose-go's template package does it (checked against docker compose 2.40.3 in test/reference). */
import { describe, expect, it } from 'vitest';
import { InvalidTemplateError, MissingRequiredError, substitute } from '../../src/core/loader/template.js';
import { interpolateModel } from '../../src/core/loader/interpolate.js';
import { ComposemodError } from '../../src/core/errors.js';

const env: Record<string, string> = { SET: 'v', EMPTY: '', TAG: '1.27', NESTED: 'n' };
const lookup = (k: string) => (k in env ? env[k] : undefined);
const sub = (t: string) => {
  const warnings: string[] = [];
  return { out: substitute(t, lookup, { warn: (m) => warnings.push(m) }), warnings };
};

describe('substitute', () => {
  it.each([
    ['$SET and ${SET}', 'v and v'],
    ['${UNSET:-d} ${EMPTY:-d} ${SET:-d}', 'd d v'],
    ['${UNSET-d} ${EMPTY-d} ${SET-d}', 'd  v'],
    ['${UNSET:+r} ${EMPTY:+r} ${SET:+r}', '  r'],
    ['${UNSET+r} ${EMPTY+r} ${SET+r}', ' r r'],
    ['${UNSET:-${NESTED:-x}}', 'n'],
    ['${UNSET:-${ALSO_UNSET:-deep}}/x', 'deep/x'],
    ['$$SET $${SET} $$', '$SET ${SET} $'],
    ['nginx:${TAG:-latest}', 'nginx:1.27'],
    ['cost $5 and $', 'cost $5 and $'],
    ['${SET}${SET:-a}${SET}', 'vvv'],
  ])('%s -> %s', (input, want) => {
    expect(sub(input).out).toBe(want);
  });

  it('an unset variable without a default becomes "" with a warning', () => {
    expect(sub('a${UNSET}b$UNSET2').warnings).toEqual([
      'The "UNSET" variable is not set. Defaulting to a blank string.',
      'The "UNSET2" variable is not set. Defaulting to a blank string.',
    ]);
  });

  it('a default is substituted (and warns) even when unused, as compose-go does', () => {
    expect(sub('${SET:-${UNSET}}').warnings).toHaveLength(1);
  });

  it(':? and ? fail with the reason; a set value passes', () => {
    expect(() => substitute('${UNSET:?need it}', lookup)).toThrow(MissingRequiredError);
    expect(() => substitute('${EMPTY:?need it}', lookup)).toThrow('required variable EMPTY is missing a value: need it');
    expect(substitute('${EMPTY?need it}', lookup)).toBe('');
    expect(() => substitute('${UNSET?}', lookup)).toThrow('required variable UNSET is missing a value');
  });

  it('an invalid template names the whole string', () => {
    expect(() => substitute('a ${ b}', lookup)).toThrow(InvalidTemplateError);
    try {
      substitute('a ${ b}', lookup);
    } catch (e) {
      expect((e as InvalidTemplateError).template).toBe('a ${ b}');
    }
  });
});

describe('interpolateModel', () => {
  const opts = { lookup, warn: () => {} };
  it('casts at the paths compose-go casts, whatever the string was', () => {
    const m = interpolateModel(
      { services: { web: { privileged: '${UNSET:-true}', ports: [{ target: '80' }], cpus: '0.5', image: '${TAG}', healthcheck: { retries: '3' } } } },
      opts,
    ) as { services: { web: Record<string, unknown> } };
    expect(m.services.web).toEqual({ privileged: true, ports: [{ target: 80 }], cpus: 0.5, image: '1.27', healthcheck: { retries: 3 } });
  });
  it('YAML 1.1 booleans cast with a warning; a bad cast is an error naming the path', () => {
    const warnings: string[] = [];
    const m = interpolateModel({ services: { web: { tty: 'yes' } } }, { lookup, warn: (w) => warnings.push(w) }) as { services: { web: { tty: boolean } } };
    expect(m.services.web.tty).toBe(true);
    expect(warnings[0]).toMatch(/"yes" for boolean is not supported by YAML 1.2/);
    expect(() => interpolateModel({ services: { web: { scale: 'x' } } }, opts)).toThrow(
      'error while interpolating services.web.scale: failed to cast to expected type: strconv.Atoi: parsing "x": invalid syntax',
    );
  });
  it('errors are ComposemodErrors with the model path', () => {
    try {
      interpolateModel({ services: { web: { image: '${X:?set X}' } } }, opts);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(ComposemodError);
      expect((e as ComposemodError).modelPath).toEqual(['services', 'web', 'image']);
      expect((e as ComposemodError).message).toBe('error while interpolating services.web.image: required variable X is missing a value: set X');
    }
  });
});
