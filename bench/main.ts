import { benchBuild } from './build.js';
import { benchControls } from './controls.js';
import { benchLaunch, type BenchOptions } from './launch.js';
import { benchMemory } from './memory.js';
import { benchProxy } from './proxy.js';
import { benchRush } from './rush.js';
import { benchWorkshop } from './workshop.js';

const benchmarks: Record<string, (options: BenchOptions) => Promise<Record<string, unknown>>> = {
  launch: benchLaunch,
  build: benchBuild,
  controls: benchControls,
  proxy: benchProxy,
  memory: benchMemory,
  rush: benchRush,
  workshop: benchWorkshop,
};

const args = process.argv.slice(2);
const name = args.find((arg) => !arg.startsWith('--'));
const options: BenchOptions = { quick: args.includes('--quick'), json: args.includes('--json') };
const run = name ? benchmarks[name] : undefined;
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [--quick] [--json]`);
  process.exit(2);
}
const result = await run(options);
if (options.json) console.log(JSON.stringify(result));
