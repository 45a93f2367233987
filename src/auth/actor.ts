/** Who made a change, as written to the log: a token's label, never the token. */
export interface Actor {
  via: 'bearer' | 'session' | 'cli';
  label: string;
  tokenId?: string;
}

export const cliActor: Actor = { via: 'cli', label: 'command line' };

export function actorFields(actor: Actor): Record<string, string> {
  return { actor: actor.label, via: actor.via, ...(actor.tokenId ? { tokenId: actor.tokenId } : {}) };
}
