import pino from 'pino';
import { scrubIdNumbers } from '../../src/rules/mask';

export type Logger = pino.Logger;

/**
 * JSON lines on stdout. Every line passes through scrubIdNumbers before it is written, so no
 * full ID number reaches a log even if a caller puts one in a message by mistake.
 */
export function createLogger(options: { level?: string; write?: (line: string) => void } = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  return pino(
    { level: options.level ?? 'info', base: undefined },
    { write: (line: string) => write(scrubIdNumbers(line)) },
  );
}
