/** miniprogram-ci's packer and code-quality check on a build folder (pack-weapp.cjs in a child). */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface QualityItem {
  name: string;
  success: boolean;
  text: string;
  detail?: unknown;
}

export interface PackResult {
  /** What the packer would upload: path → bytes. */
  files?: Record<string, number>;
  quality?: QualityItem[];
  /** Why the packer refused the project. */
  error?: string;
  output: string;
}

export interface PackOptions {
  /** Compile settings as ci.upload takes them (minifyWXML, minifyWXSS…). */
  setting?: Record<string, boolean>;
  /** Where to write the packed files. */
  outDir?: string;
  /** Run the code-quality check after packing (default: yes). */
  quality?: boolean;
}

export function pack(projectPath: string, options: PackOptions = {}): Promise<PackResult> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'yibao-packer-'));
  return new Promise<PackResult>((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, 'pack-weapp.cjs'), [], { cwd: scratch, execArgv: [], silent: true });
    let output = '';
    let result: Omit<PackResult, 'output'> | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Stops a packer that never answers (not a timing check).
    const guard = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('message', (message) => (result = message as Omit<PackResult, 'output'>));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (result) resolve({ ...result, output });
      else reject(new Error(`miniprogram-ci ended (${signal ?? code}) without an answer:\n${output}`));
    });
    child.send({ projectPath, ...options });
  }).finally(() => rmSync(scratch, { recursive: true, force: true }));
}
