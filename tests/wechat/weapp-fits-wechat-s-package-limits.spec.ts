/**
 * WeChat's package limits by our own count of dist/weapp (the packer's code-quality check only
 * advises 1.5 MB and enforces nothing): the main package and each subpackage at most 2 MB, all
 * of them together at most 20 MB. Each limit meets a broken copy that breaks it.
 */
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  assertWeappBuilt,
  copyBuild,
  kb,
  MB,
  packageSizes,
  readAppJson,
  sizeViolations,
  subpackageRoots,
  WEAPP_DIST,
} from './support/weappBuild';

assertWeappBuilt();

/** A file of that many bytes (sparse: nothing is written). */
function filler(file: string, bytes: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  truncateSync(file, bytes);
}

describe('the weapp build, by our own count', () => {
  test("fits WeChat's limits: 2 MB for the main package and each subpackage, 20 MB in all", () => {
    const sizes = packageSizes(WEAPP_DIST);
    const parts = [...sizes.packages].map(([pkg, bytes]) => `${pkg || 'main'} ${kb(bytes)}`).join(', ');
    console.info(`[sizes] main package ${kb(sizes.packages.get('') ?? 0)}, total ${kb(sizes.total)} (${parts})`);
    expect(sizes.packages.get('')).toBeGreaterThan(0);
    expect(sizeViolations(sizes)).toEqual([]);
  });

  test('counts every subpackage of app.json', () => {
    expect([...packageSizes(WEAPP_DIST).packages.keys()].sort()).toEqual(['', ...subpackageRoots(readAppJson())].sort());
  });
});

describe('negative controls: copies that break a limit', () => {
  let copy: ReturnType<typeof copyBuild> | undefined;
  afterEach(() => copy?.remove());

  test('a main package over 2 MB is caught', () => {
    copy = copyBuild();
    filler(path.join(copy.dir, 'assets/oversize.png'), 2 * MB + 1);
    expect(sizeViolations(packageSizes(copy.dir))).toEqual([expect.stringMatching(/^the main package is .* over WeChat's 2 MB/)]);
  });

  test('a subpackage over 2 MB is caught', () => {
    copy = copyBuild();
    const root = subpackageRoots(readAppJson(copy.dir))[0]!;
    filler(path.join(copy.dir, root, 'oversize.png'), 2 * MB + 1);
    expect(sizeViolations(packageSizes(copy.dir))).toEqual([expect.stringMatching(new RegExp(`^${root} is .* over WeChat's 2 MB`))]);
  });

  test('packages over 20 MB together are caught, though each fits', () => {
    copy = copyBuild();
    const app = readAppJson(copy.dir);
    const extra = Array.from({ length: 11 }, (_, i) => `extra${i}`);
    app.subPackages = [...(app.subPackages ?? []), ...extra.map((root) => ({ root, pages: ['index'] }))];
    writeFileSync(path.join(copy.dir, 'app.json'), JSON.stringify(app));
    for (const root of extra) filler(path.join(copy.dir, root, 'filler.png'), Math.floor(1.9 * MB));
    expect(sizeViolations(packageSizes(copy.dir))).toEqual([expect.stringMatching(/^all packages together are .* over WeChat's 20 MB/)]);
  });
});
