import {
  deployStacks,
  destroyStacks,
  emulatorEndpoint,
  startMiniStack,
  stopMiniStack,
  type StackContext,
} from './emulator.ts';

/**
 * npm run stack:up | stack:down | stack:deploy | stack:destroy
 * Extra `-c key=value` arguments reach the CDK app as context (stage, jwtIssuer, jwksUrl…).
 */
function contextFrom(args: readonly string[]): StackContext {
  const context: StackContext = {};
  for (let i = 0; i < args.length; i += 1) {
    const pair = args[i] === '-c' || args[i] === '--context' ? args[(i += 1)] : undefined;
    const match = pair ? /^([^=]+)=(.*)$/.exec(pair) : null;
    if (!match?.[1]) throw new Error(`expected -c key=value, got ${args[i] ?? 'nothing'}`);
    context[match[1]] = match[2] ?? '';
  }
  return context;
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, () => Promise<void>> = {
  async up() {
    const emulator = await startMiniStack();
    console.log(
      emulator.startedHere
        ? `MiniStack is up at ${emulator.endpoint}`
        : `An emulator already answers at ${emulator.endpoint}`,
    );
  },
  async down() {
    console.log((await stopMiniStack()) ? 'MiniStack stopped' : 'No MiniStack started by this project is running');
  },
  async deploy() {
    const started = Date.now();
    const outputs = await deployStacks({ context: contextFrom(rest) });
    console.log(JSON.stringify(outputs, null, 2));
    console.log(`Deployed to ${emulatorEndpoint()} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  },
  async destroy() {
    await destroyStacks({ context: contextFrom(rest) });
  },
};

const action = command ? commands[command] : undefined;
if (!action) {
  console.error(`usage: stack-cli.ts ${Object.keys(commands).join('|')} [-c key=value ...]`);
  process.exit(2);
}
action().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
