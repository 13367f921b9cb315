/**
 * The weapp build (dist/weapp) through miniprogram-ci, the packer of WeChat's CI and DevTools,
 * offline: it must accept the build, what it packs must fit WeChat's limits, the package it
 * makes with WeChat's own WXML/WXSS minifier (as an upload does) must compile with wcc and
 * wcsc, and its code-quality check must find nothing left to fix in the build. Each check meets
 * a broken copy that it must refuse.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pack, type PackResult } from './support/packer';
import { compileWxml, compileWxss } from './support/wechatCompilers';
import {
  assertWeappBuilt,
  copyBuild,
  kb,
  packageOf,
  pageRoutes,
  readAppJson,
  sizeViolations,
  subpackageRoots,
  type PackageSizes,
} from './support/weappBuild';

assertWeappBuilt();
const app = readAppJson();

/**
 * An upload with WeChat's WXML and WXSS minification (what the quality check advises). JS is
 * minified by the build already; the packer's own JS minification only takes time here.
 */
const UPLOAD_SETTING = { minifyWXML: true, minifyWXSS: true };

/**
 * WXML and WXSS are minified by WeChat's tools at upload (project.config.json's setting.minifyWXML
 * and minifyWXSS): the build's WXSS is minified already, and Taro's own WXML minifier drops
 * `</input>`, which wcc refuses.
 */

function sizesOf(files: Record<string, number>): PackageSizes {
  const roots = subpackageRoots(app);
  const packages = new Map<string, number>([['', 0], ...roots.map((root) => [root, 0] as [string, number])]);
  let total = 0;
  for (const [file, bytes] of Object.entries(files)) {
    const pkg = packageOf(file, roots);
    packages.set(pkg, (packages.get(pkg) ?? 0) + bytes);
    total += bytes;
  }
  return { packages, total };
}

describe("WeChat's packer (miniprogram-ci), offline", () => {
  let copy: ReturnType<typeof copyBuild>;
  let packedDir: string;
  let packed: PackResult;

  beforeAll(async () => {
    copy = copyBuild();
    packedDir = path.join(path.dirname(copy.dir), 'packed');
    packed = await pack(copy.dir, { setting: UPLOAD_SETTING, outDir: packedDir });
  });
  afterAll(() => copy?.remove());

  test('accepts the build and packs every page with its js, json and wxml', () => {
    expect(packed.error, packed.output).toBeUndefined();
    const files = Object.keys(packed.files ?? {});
    for (const route of pageRoutes(app)) {
      for (const ext of ['js', 'json', 'wxml']) expect(files).toContain(`${route}.${ext}`);
    }
  });

  test("what it packs fits WeChat's limits: 2 MB for the main package and each subpackage, 20 MB in all", () => {
    const sizes = sizesOf(packed.files ?? {});
    const parts = [...sizes.packages].map(([pkg, bytes]) => `${pkg || 'main'} ${kb(bytes)}`).join(', ');
    console.info(`[packer] main package ${kb(sizes.packages.get('') ?? 0)}, total ${kb(sizes.total)} (${parts})`);
    expect(sizeViolations(sizes)).toEqual([]);
  });

  test('the package it makes, WXML and WXSS minified by WeChat\'s own minifier, compiles with wcc and wcsc', () => {
    const wxml = compileWxml(packedDir);
    expect(wxml.files.length).toBeGreaterThan(0);
    expect({ status: wxml.status, stderr: wxml.stderr }).toEqual({ status: 0, stderr: '' });
    const wxss = compileWxss(packedDir);
    expect({ status: wxss.status, stderr: wxss.stderr, warnings: wxss.warnings }).toEqual({ status: 0, stderr: '', warnings: [] });
    // Minified by WeChat's minifier (which keeps what <text> needs and every end tag wcc wants).
    expect(statSync(path.join(packedDir, 'base.wxml')).size).toBeLessThan(statSync(path.join(copy.dir, 'base.wxml')).size);
  });

  test('its code-quality check finds nothing left to fix in the build', () => {
    const failing = (packed.quality ?? []).filter((item) => !item.success);
    expect(packed.quality?.length).toBeGreaterThan(0);
    expect(failing).toEqual([]);
    expect(app.lazyCodeLoading).toBe('requiredComponents');
  });
});

describe("the packer's negative controls: broken copies it must catch", () => {
  test.concurrent('refuses a build whose app.json names a page that is not there', async () => {
    const copy = copyBuild();
    try {
      const broken = readAppJson(copy.dir);
      broken.pages.push('pages/ghost/index');
      writeFileSync(path.join(copy.dir, 'app.json'), JSON.stringify(broken));
      const result = await pack(copy.dir, { setting: UPLOAD_SETTING, quality: false });
      expect(result.error).toMatch(/ghost/);
    } finally {
      copy.remove();
    }
  });

  test.concurrent('refuses a build whose page uses a component that is not there', async () => {
    const copy = copyBuild();
    try {
      const file = path.join(copy.dir, `${app.pages[0]}.json`);
      const page = JSON.parse(readFileSync(file, 'utf8')) as { usingComponents?: Record<string, string> };
      page.usingComponents = { ...page.usingComponents, ghost: './ghost-component' };
      writeFileSync(file, JSON.stringify(page));
      const result = await pack(copy.dir, { setting: UPLOAD_SETTING, quality: false });
      expect(result.error).toMatch(/ghost-component/);
    } finally {
      copy.remove();
    }
  });

  test.concurrent('its quality check reports a build without lazyCodeLoading', async () => {
    const copy = copyBuild();
    try {
      const { lazyCodeLoading: _dropped, ...broken } = readAppJson(copy.dir);
      writeFileSync(path.join(copy.dir, 'app.json'), JSON.stringify(broken));
      const result = await pack(copy.dir);
      expect(result.quality?.find((item) => item.name === 'LAZYCODE_LOADING_OPEN')?.success).toBe(false);
    } finally {
      copy.remove();
    }
  });
});
