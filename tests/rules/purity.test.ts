import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(__dirname, '../../src/rules');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('the rules module', () => {
  it.each(files)('%s imports only sibling rule files', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const imports = [...source.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec).toMatch(/^\.\/[A-Za-z]+$/);
  });

  it.each(files)('%s uses nothing that exists only in Node, the browser or a mini-program', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    expect(source).not.toMatch(/\b(require|Buffer|process|crypto|Intl|window|document|wx|Taro|dayjs)\b/);
    expect(source).not.toMatch(/\(\?<[=!]/); // no look-behind: older mini-program engines reject it
  });

  it('re-exports every file from the barrel', () => {
    const barrel = readFileSync(join(dir, 'index.ts'), 'utf8');
    for (const file of files.filter((f) => f !== 'index.ts')) {
      expect(barrel).toContain(`export * from './${file.replace(/\.ts$/, '')}'`);
    }
  });
});
