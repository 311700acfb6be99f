/**
 * The project loader every command shares: Docker Compose's own loading pipeline (compose-go
 * v2.9.1 as in Docker Compose 2.40.3), from command-line style inputs to the model
 * `docker compose config` prints, byte for byte, and to what each container gets.
 *
 *   const project = loadProject({ workingDir: dir, files: ['compose.yaml'], environment: process.env });
 *   configText(project, 'yaml')        // = docker compose config
 *   project.containers.web.environment // what the web container gets
 *
 * Nothing is read implicitly: the process environment is an input, and `overlay` replaces
 * file contents (also for files reached through `extends.file`, `include` and env files).
 */
import { ComposemodError } from '../errors.js';
import {
  bindProject,
  checkConsistency,
  checkContainerNames,
  resolveServiceEnvironments,
  resolveServiceLabels,
  withoutUnnecessaryResources,
  withProfiles,
  type TypedProject,
} from './typed.js';
import { loaderFs } from './fs.js';
import { projectJson, projectYaml } from './marshal.js';
import { valueJson, valueNode, writeJson } from './print.js';
import { loadProjectModel, type ProjectModel, type ProjectOptions } from './project.js';
import { emitYamlDocument } from './yaml-emit.js';
import { locateIn } from './load.js';
import { containerViews, type ContainerView } from './containers.js';

export type { ProjectOptions, ProjectModel, ComposeVersion } from './project.js';
export type { TypedProject, TypedService } from './typed.js';
export type { ContainerView, MountedFile, ContainerNetwork, ContainerMount, ContainerPort } from './containers.js';
export { normalizeProjectName } from './project.js';

export interface LoadedProject extends ProjectModel {
  /**
   * The project bound to Compose's types, with profiles applied, env files and label files
   * resolved (what the interpolated `config` prints). Undefined with `interpolate: false`
   * (Compose prints the merged model then).
   */
  typed?: TypedProject;
  /** What each enabled service's containers get (interpolated projects only). */
  containers: Record<string, ContainerView>;
}

/** Loads a project as Docker Compose does. Throws ComposemodError (file:line:col) on bad input. */
export function loadProject(opts: ProjectOptions): LoadedProject {
  const model = loadProjectModel(opts);
  if (!model.interpolated) return { ...model, containers: {} };
  try {
    return bind(model, opts);
  } catch (e) {
    throw e instanceof ComposemodError ? locateInProject(e, model) : e;
  }
}

/** An error about the project (no file yet): at the last file that writes its model path. */
function locateInProject(e: ComposemodError, model: ProjectModel): ComposemodError {
  if (e.file || !e.modelPath?.length) return e.file ? e : e.withLocation({ file: model.files[model.files.length - 1] });
  for (const file of [...model.files].reverse()) {
    const source = model.sources.get(file);
    if (!source) continue;
    const where = locateIn(source, e.modelPath);
    if (where) return e.withLocation({ file, ...where });
  }
  return e.withLocation({ file: model.files[model.files.length - 1] });
}

function bind(model: ProjectModel, opts: ProjectOptions): LoadedProject {
  const warn = opts.warn ?? (() => {});
  const fs = loaderFs(opts.workingDir, opts.overlay);
  let typed = bindProject(model.model, model.name, { warn });
  typed = withProfiles(typed, model.profiles);
  checkConsistency(typed);
  resolveServiceEnvironments(typed, model.environment, fs, warn);
  resolveServiceLabels(typed, fs, warn);
  typed = withoutUnnecessaryResources(typed);
  checkContainerNames(typed);
  return { ...model, typed, containers: containerViews(typed, model) };
}

/** `docker compose config [--format json]` of a loaded project. */
export function configText(project: LoadedProject, format: 'yaml' | 'json' = 'yaml'): string {
  const old = project.composeVersion === '2.26';
  if (!project.typed) {
    return format === 'json' ? writeJson(valueJson(project.model)) : emitYamlDocument(valueNode(project.model), old);
  }
  const text = format === 'json' ? writeJson(projectJson(project.typed)) : emitYamlDocument(projectYaml(project.typed), old);
  // compose escapes every `$` of the interpolated output, so it can be read back as is
  return text.replace(/\$/g, '$$$$');
}

/**
 * The config of one environment given the texts of its files: what extract verifies before
 * writing. `texts` maps absolute paths to contents and overlays the disk (so `extends.file`,
 * `include` and env files read the new texts too).
 */
export function loadWithTexts(opts: Omit<ProjectOptions, 'overlay'>, texts: ReadonlyMap<string, string>): LoadedProject {
  return loadProject({ ...opts, overlay: texts });
}

export { ComposemodError };
