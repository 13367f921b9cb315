/**
 * Every WXML and WXSS file of the weapp build through WeChat's own compilers, wcc and wcsc
 * (npm miniprogram-compiler): no error, and no warning (wcsc compiles a selector that WeChat
 * does not allow in the styles of pages that use components, and WeChat logs it on every page
 * load). Each compiler meets broken copies it must refuse.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { compileWxml, compileWxss } from './support/wechatCompilers';
import { assertWeappBuilt, buildFiles, copyBuild, pageRoutes, readAppJson, WEAPP_DIST } from './support/weappBuild';

assertWeappBuilt();

describe("the weapp build through WeChat's compilers", () => {
  test('wcc compiles every WXML file without an error or a warning', () => {
    const result = compileWxml(WEAPP_DIST);
    expect(result.files).toEqual(buildFiles(WEAPP_DIST).filter((file) => file.endsWith('.wxml')));
    expect(result.files).toEqual(expect.arrayContaining(pageRoutes(readAppJson()).map((route) => `${route}.wxml`)));
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('wcsc compiles every WXSS file without an error or a warning', () => {
    const result = compileWxss(WEAPP_DIST);
    expect(result.files).toEqual(buildFiles(WEAPP_DIST).filter((file) => file.endsWith('.wxss')));
    expect({ status: result.status, stderr: result.stderr, warnings: result.warnings }).toEqual({ status: 0, stderr: '', warnings: [] });
  });
});

describe('negative controls: broken copies the compilers must refuse', () => {
  let copy: ReturnType<typeof copyBuild> | undefined;
  afterEach(() => copy?.remove());

  function edit(file: string, change: (text: string) => string): void {
    const full = path.join(copy!.dir, file);
    writeFileSync(full, change(readFileSync(full, 'utf8')));
  }

  test('a WXML file with a tag left open fails wcc, which names the file', () => {
    copy = copyBuild();
    const page = `${readAppJson(copy.dir).pages[0]}.wxml`;
    edit(page, (text) => `${text}\n<view><text>open</view>\n`);
    const result = compileWxml(copy.dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(page);
  });

  test('a WXML expression that does not parse fails wcc', () => {
    copy = copyBuild();
    const page = `${readAppJson(copy.dir).pages[0]}.wxml`;
    edit(page, (text) => `${text}\n<view class="{{a +}}">x</view>\n`);
    expect(compileWxml(copy.dir).status).not.toBe(0);
  });

  test('a WXSS rule that does not parse fails wcsc', () => {
    copy = copyBuild();
    const page = `${readAppJson(copy.dir).pages[0]}.wxss`;
    edit(page, (text) => `${text}\n.broken{{color:red}\n`);
    const result = compileWxss(copy.dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(page);
  });

  test.each([
    ['an attribute selector', '.login-send[disabled]{color:red}'],
    ['a tag selector', 'button{color:red}'],
    ['an id selector', '#send{color:red}'],
  ])('%s in a page style is a wcsc warning, which names the page', (_what, rule) => {
    copy = copyBuild();
    const page = `${readAppJson(copy.dir).pages[0]}.wxss`;
    edit(page, (text) => `${text}\n${rule}\n`);
    expect(compileWxss(copy.dir).warnings).toEqual([{ file: page, message: expect.stringContaining('not allowed in component wxss') }]);
  });
});
