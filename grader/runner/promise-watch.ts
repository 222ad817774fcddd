/**
 * Tells the simulator when lab code creates a Promise. Handlers must be synchronous; a promise made
 * inside one means work that would run after the handler returned, outside virtual time. V8's promise
 * hooks see every promise, including ones `async` functions create implicitly, which no wrapper of the
 * global `Promise` could. This lives in the runner because the simulator stays free of Node modules.
 */
import { promiseHooks } from "node:v8";

/** Calls `onPromise` for each promise created until the returned function is called. */
export function watchPromises(onPromise: () => void): () => void {
  // Node types the returned stopper as a bare `Function`; it takes no arguments.
  return promiseHooks.onInit(() => onPromise()) as () => void;
}
