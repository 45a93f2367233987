import type { Config } from '../config/schema.js';
import { createOrganizerToken, listOrganizerTokens, revokeOrganizerToken } from '../auth/organizer-tokens.js';
import type { OrganizerTokenStore } from '../auth/organizer-token-store.js';
import { createLogger, type Logger } from '../log/logger.js';
import { RedisOrganizerTokenStore } from '../store/redis-organizer-token-store.js';
import { processIo, type CliIo } from './cli-io.js';
import { withRedis } from './with-redis.js';

export const organizerTokenUsage = `usage:
  nblaunch organizer-token create <label>   a new organizer token, shown once
  nblaunch organizer-token list             labels and creation dates
  nblaunch organizer-token revoke <id>      the token stops working, with its sign-ins`;

/** Organizer tokens from the command line: also the way back in when the first token is lost. */
export async function runOrganizerTokenCommand(args: string[], store: OrganizerTokenStore, logger: Logger, io: CliIo): Promise<number> {
  const [action, argument] = args;
  if (action === 'create' && argument) {
    const created = await createOrganizerToken(store, args.slice(1).join(' '));
    logger.info({ event: 'organizer-token-created', actor: 'command line', newTokenId: created.id, newLabel: created.label }, 'organizer token created');
    io.out(`${created.token}\n(id ${created.id}, label "${created.label}": shown only now, keep it safe)`);
    return 0;
  }
  if (action === 'list') {
    for (const token of await listOrganizerTokens(store)) io.out([token.id, token.createdAt, token.label].join('\t'));
    return 0;
  }
  if (action === 'revoke' && argument) {
    const revoked = await revokeOrganizerToken(store, argument);
    logger.info({ event: 'organizer-token-revoked', actor: 'command line', revokedTokenId: revoked.id }, 'organizer token revoked');
    io.out(`revoked ${revoked.id} (${revoked.label})`);
    return 0;
  }
  io.err(organizerTokenUsage);
  return 2;
}

export async function organizerTokenCommand(args: string[], config: Config, io: CliIo = processIo): Promise<number> {
  const logger = createLogger(config.logLevel, process.stderr);
  return withRedis(config, logger, (redis) => runOrganizerTokenCommand(args, new RedisOrganizerTokenStore(redis, config.instance), logger, io));
}
