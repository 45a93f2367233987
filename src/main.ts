import { ConfigError, loadConfig } from './config/load.js';
import { startLauncher } from './launcher.js';
import { assertWritableDataDir, dropToServiceUser, launcherProgramFiles, ServiceUserError } from './setup/service-user.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  try {
    const account = dropToServiceUser(config.runAsUser, launcherProgramFiles);
    if (account) console.log(`running as ${account.name} (uid ${account.uid}), not root`);
    assertWritableDataDir(config.dataDir);
  } catch (error) {
    if (error instanceof ServiceUserError) {
      console.error(`nblaunch could not start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const launcher = await startLauncher(config);
  console.log(`nblaunch is ready at ${config.publicUrl || launcher.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: finishing requests in flight; notebook servers keep running`);
    launcher.close().then(() => process.exit(0), (error: Error) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: Error) => {
  console.error(`nblaunch could not start: ${error.message}`);
  process.exit(1);
});
