/**
 * composemod's programmatic API. Everything the CLI does is available here: load and edit
 * compose files with range edits, merge them with the Compose v2 rules, extract a shared base,
 * run fixes, and diff or write the result.
 */
export { ComposemodError, formatModelPath, isComposemodError } from './core/errors.js';
export type { ErrorLocation } from './core/errors.js';

// edit layer
export { parseSource, loadSource, readText, detectFormat } from './core/source.js';
export type { ComposeSource, SourceFormat, Eol, QuoteStyle } from './core/source.js';
export { nodeAt, pairAt, services, service, serviceAttr, topLevel } from './core/query.js';
export type { NodeRef, PairRef, ServiceRef, Path, PathSegment, Range } from './core/query.js';
export { Editor, applyEdits, nodeText, reindent } from './core/edit.js';
export type { TextEdit } from './core/edit.js';
export { emitYaml } from './core/emit.js';
export { writeChanges, changeKind } from './core/save.js';
export type { FileChange } from './core/save.js';
export { formatDiff } from './core/diff.js';
export type { DiffOptions } from './core/diff.js';

// model and merge engine (pure)
export { toModel, assertComposeFile, RESET, Override, GoTime, isReset, isOverride, isGoTime } from './core/model.js';
export { mergeFiles, canonicalize, normalize, configModel, modelsEqual, shellSplit } from './core/merge/index.js';
export type { ComposeModel, InputFile, MergeOptions } from './core/merge/index.js';
export { schemaIssues, assertSchema } from './core/schema.js';
export type { SchemaIssue } from './core/schema.js';
export { loadComposeFile, toComposeModel, resolveExtendsFile, environmentModel, locate } from './core/project.js';
export type { LoadedFile } from './core/project.js';

// the project loader: Docker Compose's loading, `docker compose config` output, containers
export { loadProject, loadWithTexts, configText, normalizeProjectName } from './core/loader/index.js';
export type { ProjectOptions, LoadedProject, ComposeVersion, TypedProject, ContainerView, MountedFile, ContainerNetwork, ContainerMount, ContainerPort } from './core/loader/index.js';

// project discovery and commands as functions
export { detectProject, parseEnvSpec } from './core/discover.js';
export { extract } from './extract/extract.js';
export type { ExtractInput, ExtractResult, Layout } from './extract/extract.js';
export { runFixes, maskSecrets } from './transforms/runner.js';
export type { FixTarget, FixResult } from './transforms/runner.js';
export { transforms, findTransform } from './transforms/index.js';
export type { Transform, TransformMeta, TransformContext, TransformOption } from './transforms/index.js';
export type { ChangeNote, Warning, ComposeProject, ProjectFile } from './transforms/types.js';
