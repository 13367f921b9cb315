/**
 * The weapp build (dist/weapp, `npm run build:weapp`) as WeChat sees it: app.json's main
 * package and subpackages, the files of each, and broken copies for the negative controls.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './cloudRuntime';

export const WEAPP_DIST = path.join(ROOT, 'dist/weapp');

/** WeChat's limits: 2 MB for the main package and for each subpackage, 20 MB in all. */
export const MB = 1024 * 1024;
export const PACKAGE_LIMIT = 2 * MB;
export const TOTAL_LIMIT = 20 * MB;

/** Files of the output folder that are tooling, not code: never uploaded as part of a package. */
const NOT_UPLOADED = new Set(['project.config.json', 'project.private.config.json']);

export interface AppJson {
  pages: string[];
  subPackages?: Array<{ root: string; pages: string[] }>;
  subpackages?: Array<{ root: string; pages: string[] }>;
  lazyCodeLoading?: string;
}

export function assertWeappBuilt(dir = WEAPP_DIST): void {
  if (!existsSync(path.join(dir, 'app.json'))) throw new Error(`${dir}/app.json is missing: run \`npm run build:weapp\` first`);
}

export function readAppJson(dir = WEAPP_DIST): AppJson {
  return JSON.parse(readFileSync(path.join(dir, 'app.json'), 'utf8')) as AppJson;
}

/** Subpackage roots without their trailing slash ("pages/family"). */
export function subpackageRoots(app: AppJson): string[] {
  return (app.subPackages ?? app.subpackages ?? []).map((sub) => sub.root.replace(/\/+$/, ''));
}

/** Every page route: the main package's, then each subpackage's ("pages/family/members/index"). */
export function pageRoutes(app: AppJson): string[] {
  const sub = (app.subPackages ?? app.subpackages ?? []).flatMap((pkg) => pkg.pages.map((page) => `${pkg.root.replace(/\/+$/, '')}/${page}`));
  return [...app.pages, ...sub];
}

/** The package a file belongs to: a subpackage root, or "" for the main package. */
export function packageOf(file: string, roots: readonly string[]): string {
  return roots.find((root) => file === root || file.startsWith(`${root}/`)) ?? '';
}

/** Every file of the build, as paths relative to it with forward slashes. */
export function buildFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

export interface PackageSizes {
  /** Bytes per package: "" is the main package, the others are subpackage roots. */
  packages: Map<string, number>;
  total: number;
}

/** Our own count: the bytes of every file WeChat would upload, by package. */
export function packageSizes(dir: string): PackageSizes {
  const roots = subpackageRoots(readAppJson(dir));
  const packages = new Map<string, number>([['', 0], ...roots.map((root) => [root, 0] as [string, number])]);
  let total = 0;
  for (const file of buildFiles(dir)) {
    if (NOT_UPLOADED.has(file)) continue;
    const size = statSync(path.join(dir, file)).size;
    const pkg = packageOf(file, roots);
    packages.set(pkg, (packages.get(pkg) ?? 0) + size);
    total += size;
  }
  return { packages, total };
}

/** What breaks WeChat's limits, one sentence each; empty when the build fits. */
export function sizeViolations({ packages, total }: PackageSizes): string[] {
  const problems: string[] = [];
  for (const [pkg, size] of packages) {
    if (size > PACKAGE_LIMIT) problems.push(`${pkg || 'the main package'} is ${kb(size)}, over WeChat's 2 MB for a package`);
  }
  if (total > TOTAL_LIMIT) problems.push(`all packages together are ${kb(total)}, over WeChat's 20 MB`);
  return problems;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A scratch copy of the build, to break on purpose (the negative controls). */
export function copyBuild(dir = WEAPP_DIST): { dir: string; remove: () => void } {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'yibao-weapp-'));
  const copy = path.join(scratch, 'weapp');
  cpSync(dir, copy, { recursive: true });
  return { dir: copy, remove: () => rmSync(scratch, { recursive: true, force: true }) };
}
