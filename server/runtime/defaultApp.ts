import { createApp, type App } from '../app';
import { loadConfig } from '../config';

let pending: Promise<App> | undefined;

/**
 * The app of a cloud function instance in WeChat's runtime (or any host that calls `main`
 * without the gateway): configured from the environment, opened once per instance.
 */
export function defaultApp(): Promise<App> {
  pending ??= createApp(loadConfig()).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
