/**
 * The contract of SPEC 3.2, once (issue 10, point 6): per function, who may call it (`auth`),
 * its event (a zod schema, ./functions.ts) and its answer (a type, ./answers.ts).
 *
 * - The cloud functions take `auth`, `staffRole` and `event` from FUNCTIONS.
 * - The use cases declare their results as `Served<Data<name>>` (or the view types below), so
 *   a change on either side that the other does not follow is a type error.
 * - The mini-program (src/services/cloud/types.ts) and the UI tests derive their types from
 *   `Contract` with `import type` only: zod never enters the client bundles.
 * - The tests' harness types its calls from `Contract`.
 */
import type { z } from 'zod';
import type { Answers } from './answers';
import { FUNCTIONS } from './functions';

export { FUNCTIONS } from './functions';
export type { AuthKind, FunctionSpec, StaffRoleNeeded } from './functions';
export type * from './answers';

export type FunctionName = keyof typeof FUNCTIONS;

/** The contract's map: name → {auth, event (what a caller sends), data (what it answers)}. */
export type Contract = {
  [N in FunctionName]: {
    auth: (typeof FUNCTIONS)[N]['auth'];
    event: z.input<(typeof FUNCTIONS)[N]['event']>;
    data: Answers[N];
  };
};

/** What a caller sends (before the schema trims and checks it). */
export type EventIn<N extends FunctionName> = Contract[N]['event'];
/** What the use case receives (after the schema). */
export type EventOut<N extends FunctionName> = z.output<(typeof FUNCTIONS)[N]['event']>;
/** What the function answers, as JSON. */
export type Data<N extends FunctionName> = Contract[N]['data'];

/** Functions a caller of this kind may call. */
export type FunctionsFor<A extends Contract[FunctionName]['auth']> = {
  [N in FunctionName]: Contract[N]['auth'] extends A ? N : never;
}[FunctionName];

/**
 * An answer as a use case may hand it to the envelope (server/runtime/envelope.ts, toJsonSafe):
 * a bigint for an amount (`Fen`), a Date for an instant (`Instant`). Names, presence,
 * optionality, nesting and every other type are the contract's, except that a value of a
 * closed set of strings (a status, a kind) may be typed as any string on the server: the
 * event schemas and the database's constraints hold those sets.
 */
export type Served<T> = T extends string
  ? '__instant' extends keyof T
    ? string | Date
    : string extends T
      ? T
      : string
  : T extends number
    ? '__fen' extends keyof T
      ? number | bigint
      : T
    : T extends boolean | null | undefined
      ? T
      : T extends ReadonlyArray<infer E>
        ? ReadonlyArray<Served<E>>
        : T extends object
          ? { [K in keyof T]: Served<T[K]> }
          : T;

/** Every answer names a function of FUNCTIONS and every function has an answer (a type error otherwise). */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const answersCoverFunctions: SameKeys<Answers, typeof FUNCTIONS> = true;
void answersCoverFunctions;
