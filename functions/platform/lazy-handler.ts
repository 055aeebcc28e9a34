/**
 * A Lambda entry point whose dependencies are built on the first invocation, once per
 * container. Importing a handler module (as the embedded runtime does) builds nothing.
 */
export function lazyHandler<E, R>(build: () => (event: E, context: never) => Promise<R>) {
  let handler: ((event: E, context: never) => Promise<R>) | undefined;
  return (event: E, context: never): Promise<R> => {
    handler ??= build();
    return handler(event, context);
  };
}
