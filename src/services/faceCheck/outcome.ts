/** How the provider's face check in the app ended; the server then asks the provider for the result. */
export type FaceCheckOutcome = { ok: true } | { ok: false; cancelled: boolean; message: string };
