/**
 * Runs once before the suites: generates the compose-spec validator when it is missing or stale
 * (the tests run the TypeScript sources, which load the schema/compose-spec.validate.cjs that
 * `npm run build` writes), and the config file's validator likewise.
 */
import { buildConfigSchema, buildSchema } from '../scripts/build-schema.mjs';

export default function setup(): void {
  buildSchema();
  buildConfigSchema();
}
