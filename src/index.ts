/**
 * composemod's programmatic API: what a library user needs, and nothing of the internals.
 * - load a project: `loadProject` / `configText` (Docker Compose's loading and `config` output),
 *   `resolveTargets` (paths / named environments -> projects), `detectProject`
 *   (the environments of a directory), `loadComposeFile`, `configModel` (the merged model);
 * - the config file: `loadConfigFile`;
 * - the commands: `check`, `fix`, `extract`, `listRules`; `writeChanges` and `formatDiff` to
 *   write or show what `fix` / `extract` return;
 * - the rule contract, to write a rule (docs/RULES.md): its types, the engine that runs rules
 *   over a project (`checkProject`, `fixProject`), the placement helpers and intent deltas.
 */
export { ComposemodError, isComposemodError } from './core/errors.js';
export type { ErrorLocation } from './core/errors.js';

// projects
export { resolveTargets } from './core/targets.js';
export type { ProjectTarget, EnvironmentSpec, TargetRequest } from './core/targets.js';
export { detectProject } from './core/discover.js';
export { loadComposeFile } from './core/project.js';
export type { LoadedFile } from './core/project.js';
export { configModel } from './core/merge/index.js';
export type { ComposeModel } from './core/merge/index.js';
// the project loader: Docker Compose's loading, `docker compose config` output, containers
export { loadProject, loadWithTexts, configText } from './core/loader/index.js';
export type { ProjectOptions, LoadedProject, ComposeVersion, ContainerView } from './core/loader/index.js';

// the config file
export { loadConfigFile } from './core/config-file.js';
export type { ComposemodConfig, ConfigFile } from './core/config-file.js';

// commands as functions (nothing is written: changes come back as FileChanges)
export { check, fix, listRules } from './api.js';
export type { RunRequest, CheckRequest, CheckReport, FixReport, ProjectRun } from './api.js';
export { extract } from './extract/extract.js';
export type { ExtractInput, ExtractResult, Layout } from './extract/extract.js';
export { writeChanges } from './core/save.js';
export type { FileChange } from './core/save.js';
export { formatDiff } from './core/diff.js';
export type { DiffOptions } from './core/diff.js';

// the rule contract
export type {
  Rule,
  RuleMeta,
  RuleContext,
  RuleOption,
  FindingKind,
  FindingInput,
  Finding,
  Fixer,
  FixEditor,
  ChangeNote,
  Suppression,
  Severity,
  Level,
  Fixability,
} from './rules/types.js';
export type { Project, ComposeFile, Environment } from './rules/project.js';
export { checkProject, fixProject, IntentRefusal, maskSecrets } from './rules/engine.js';
export type { CheckResult, CheckFinding, ProposedFix, FixResult, Decision, RunOptions, CheckOptions } from './rules/engine.js';
export { ownerOf, definitionOf, envsUsing, sharedFiles, fileOnlyFor, editBlocker, exists, addToService, locate } from './rules/place.js';
export type { Location } from './rules/place.js';
export { secretDelivers, volumeMounted, networksChanged, containerNameRemoved, imageChanged } from './rules/intent/deltas.js';
export type { Delta, Intent } from './rules/intent/deltas.js';
export type { Runtime, Capabilities, FixSettings } from './rules/settings.js';

// the edit layer rules record their fixes in (range edits, verified)
export { parseSource, loadSource } from './core/source.js';
export type { ComposeSource, SourceFormat } from './core/source.js';
export { nodeAt } from './core/query.js';
export type { NodeRef, Path } from './core/query.js';
export { Editor } from './core/edit.js';
export type { TextEdit } from './core/edit.js';
