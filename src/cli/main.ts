import { ConfigError, loadConfig } from '../config/load.js';
import { LauncherError } from '../errors/launcher-error.js';
import { buildCommand } from './build-command.js';
import { imagesCommand } from './images-command.js';
import { organizerTokenCommand, organizerTokenUsage } from './organizer-token-command.js';
import { workshopCommand, workshopUsage } from './workshop-command.js';
import { dropToServiceUser, launcherProgramFiles, ServiceUserError } from '../setup/service-user.js';

const usage = `usage: nblaunch <command>

  build --dry-run <repo-url> [--ref REF]   show the detected buildpacks and the generated Dockerfile
  build <repo-url> [--ref REF]             build the repo's image now (pre-warm before a talk)
  images list                              built images, least recently used first
  images prune [--keep N] [--dry-run]      delete least recently used built images (default keep 10)
  workshop create|list|show|import-attendees|links|end   workshops and their attendees (see below)
  organizer-token create|list|revoke       organizer tokens (a new one when the first is lost)

Configuration comes from config/default.yaml, NBLAUNCH_CONFIG and NBLAUNCH_* variables.

${workshopUsage.replace(/^usage:\n/, '')}
${organizerTokenUsage.replace(/^usage:\n/, '')}`;

const commands: Record<string, (args: string[], config: ReturnType<typeof loadConfig>) => Promise<number>> = {
  build: buildCommand,
  images: imagesCommand,
  workshop: workshopCommand,
  'organizer-token': organizerTokenCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(usage);
    return name === undefined || name === 'help' || name === '--help' ? 0 : 2;
  }
  const config = loadConfig();
  // As the launcher does: a private Redis this command starts must not leave root-owned files.
  dropToServiceUser(config.runAsUser, launcherProgramFiles);
  return command(rest, config);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof LauncherError || error instanceof ServiceUserError) {
      console.error(`nblaunch: ${error.message}`);
      process.exit(error instanceof ConfigError ? 2 : 1);
    }
    console.error(error);
    process.exit(1);
  },
);
