/**
 * WeChat's own WXML and WXSS compilers, `wcc` and `wcsc`, as shipped by the npm package
 * miniprogram-compiler (Linux builds of 2019–2020), run over a whole build the way the tools
 * run them: every file at once, pages and components first. The package's own wrapper drops
 * wcsc's messages, so the binaries are called directly.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cloudRuntime';
import { buildFiles, pageRoutes, readAppJson } from './weappBuild';

function binary(name: 'wcc' | 'wcsc'): string {
  const platform = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'windows' : 'linux';
  const file = path.join(ROOT, 'node_modules/miniprogram-compiler/bin', platform, process.platform === 'win32' ? `${name}.exe` : name);
  // npm does not keep the package's executable bits.
  chmodSync(file, 0o755);
  return file;
}

interface ComponentJson {
  component?: boolean;
  usingComponents?: Record<string, string>;
}

function json(dir: string, file: string): ComponentJson | undefined {
  const jsonFile = path.join(dir, file.replace(/\.(wxml|wxss)$/, '.json'));
  return existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as ComponentJson) : undefined;
}

export interface CompileResult {
  files: string[];
  /** The compiler's exit status: 0 when it compiled everything. */
  status: number | null;
  /** What it printed on stderr (errors, warnings); empty on a clean run. */
  stderr: string;
}

/** wcc over every .wxml (and .wxs) of the build, told which custom components each page uses. */
export function compileWxml(dir: string): CompileResult {
  const all = buildFiles(dir);
  const files = all.filter((file) => file.endsWith('.wxml'));
  const scripts = all.filter((file) => file.endsWith('.wxs'));
  const components = files.flatMap((file) => {
    const using = json(dir, file)?.usingComponents;
    return using ? [[file, Object.keys(using).length, ...Object.keys(using)].join(' ')] : [];
  });
  const result = spawnSync(binary('wcc'), ['-d', '-cc', [components.length, ...components].join(' '), ...files, ...scripts, '-gn', '$gwx'], {
    cwd: dir,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { files, status: result.status, stderr: result.stderr.toString().trim() };
}

export interface WxssResult extends CompileResult {
  /** wcsc's findings that it compiles anyway (WeChat logs them at run time), by file. */
  warnings: Array<{ file: string; message: string }>;
}

function unescape(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * wcsc over every .wxss of the build: the styles of pages and components first (their count
 * after -pc: the rules of component styles apply to them), then app.wxss and the imported
 * files. A warning does not stop it: it is compiled into the page's style function as the
 * message WeChat prints when the page loads, which is where it is read from here.
 */
export function compileWxss(dir: string): WxssResult {
  const files = buildFiles(dir).filter((file) => file.endsWith('.wxss'));
  const routes = new Set(pageRoutes(readAppJson(dir)));
  const isPageOrComponent = (file: string): boolean => {
    const base = file.replace(/\.wxss$/, '');
    return routes.has(base) || json(dir, file)?.component === true;
  };
  const pages = files.filter(isPageOrComponent);
  const others = files.filter((file) => !isPageOrComponent(file));
  const result = spawnSync(binary('wcsc'), ['-db', '-pc', String(pages.length), ...pages, ...others], {
    cwd: dir,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const warnings: WxssResult['warnings'] = [];
  if (result.status === 0) {
    // "key=value=key=value…": '=' inside a value is always escaped as \x3d.
    const parts = result.stdout.toString().split('=');
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const file = parts[i]!;
      if (!file.endsWith('.wxss')) continue;
      const invalid = /\],\s*"((?:[^"\\]|\\.)*)"\s*,\s*\{path:/.exec(unescape(parts[i + 1]!));
      if (invalid) warnings.push({ file, message: invalid[1]! });
    }
  }
  return { files, status: result.status, stderr: result.stderr.toString().trim(), warnings };
}
